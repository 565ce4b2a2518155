package dev.parley.system;

import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A lean protocol client for load: frames go to a callback, nothing is kept. All clients share
 * one Vert.x instance with an event loop per core, so the driver spends its CPU on the sockets
 * rather than on a thread or a scheduler per connection (the JDK's WebSocket client cost more CPU
 * than the services it was measuring).
 */
final class LoadClient {

    private static final Vertx VERTX = Vertx.vertx(new VertxOptions()
            .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    /** No per-host limit: a benchmark opens thousands of sockets to one pod. */
    private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(new WebSocketClientOptions()
            .setMaxConnections(Integer.MAX_VALUE)
            .setMaxFrameSize(1 << 20)
            .setMaxMessageSize(1 << 20)
            .setConnectTimeout(10_000));

    private final WebSocketConnectOptions options;
    private final Consumer<ServerFrame> onFrame;
    private volatile ClientWebSocket socket;
    private volatile boolean closing;
    private volatile boolean welcomed;
    /** Reconnects after any close or failed connect, not only 1013 (chaos runs: pods, the gateway die). */
    private final boolean reconnecting;

    private static final long WELCOME_TIMEOUT_MS = 15_000;
    private static final AtomicInteger RETRIED_WITHOUT_WELCOME = new AtomicInteger();
    /** Close code (or "none") → connections the server closed after the handshake and before the welcome. */
    private static final Map<String, AtomicInteger> CLOSED_BEFORE_WELCOME = new ConcurrentHashMap<>();

    /**
     * Connections that got no welcome frame within 15 s and were opened again (reported by
     * benchmarks): still open, so neither a welcome nor a close ever came.
     */
    static int retriedWithoutWelcome() {
        return RETRIED_WITHOUT_WELCOME.get();
    }

    /** Connections closed after the handshake and before their welcome, by close code. */
    static Map<String, Integer> closedBeforeWelcome() {
        Map<String, Integer> counts = new TreeMap<>();
        CLOSED_BEFORE_WELCOME.forEach((code, n) -> counts.put(code, n.get()));
        return counts;
    }

    private LoadClient(WebSocketConnectOptions options, Consumer<ServerFrame> onFrame, boolean reconnecting) {
        this.options = options;
        this.onFrame = onFrame;
        this.reconnecting = reconnecting;
    }

    static LoadClient connect(String wsBase, String token, String device, Consumer<ServerFrame> onFrame) {
        return connect(wsBase, token, device, onFrame, false);
    }

    /**
     * {@code reconnecting}: like a real client, opens the connection again after a random backoff
     * whenever it closes or a connect fails, until {@link #close()}; every new connection gets its
     * own welcome frame, on which the owner syncs and resends what was not acknowledged.
     */
    static LoadClient connect(String wsBase, String token, String device, Consumer<ServerFrame> onFrame, boolean reconnecting) {
        URI uri = URI.create(wsBase + "/ws/chat?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&device=" + device);
        LoadClient client = new LoadClient(new WebSocketConnectOptions()
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setURI(uri.getRawPath() + "?" + uri.getRawQuery()), onFrame, reconnecting);
        try {
            client.open().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            return client;
        } catch (Exception e) {
            client.closing = true; // no reconnect in the background of a client the caller never got
            throw new IllegalStateException("cannot connect " + uri.getHost() + ":" + uri.getPort() + " as " + device, e);
        }
    }

    /**
     * Opens the socket. Like a real client, it reconnects after a random backoff when the server
     * asks it to try again later (close 1013: the connection could not be registered).
     */
    private Future<WebSocket> open() {
        // the handlers are in place before the handshake, so the welcome frame cannot arrive before them
        ClientWebSocket ws = CLIENT.webSocket();
        ws.textMessageHandler(text -> {
            if (socket != ws) {
                return; // a connection this client already gave up on
            }
            ServerFrame frame = Json.read(text, ServerFrame.class);
            if ("welcome".equals(frame.type())) {
                welcomed = true;
            }
            onFrame.accept(frame);
        });
        ws.closeHandler(v -> {
            Short code = ws.closeStatusCode();
            if (!welcomed && !closing && socket == ws) {
                CLOSED_BEFORE_WELCOME.computeIfAbsent(String.valueOf(code), c -> new AtomicInteger()).incrementAndGet();
            }
            if (!closing && socket == ws && (reconnecting || code != null && code == ErrorCode.CLOSE_TRY_AGAIN_LATER)) {
                reopenLater();
            }
        });
        socket = ws;
        welcomed = false;
        return ws.connect(options).onFailure(e -> {
            if (reconnecting && !closing && socket == ws) {
                reopenLater();
            }
        }).onSuccess(opened -> VERTX.setTimer(WELCOME_TIMEOUT_MS, t -> {
            if (!welcomed && !closing && socket == ws) {
                // as a real client does: no welcome in time, so start over on a new connection
                if (!ws.isClosed()) {
                    RETRIED_WITHOUT_WELCOME.incrementAndGet(); // silent: neither a welcome nor a close came
                }
                ws.close();
                open();
            }
        }));
    }

    private void reopenLater() {
        VERTX.setTimer(200 + ThreadLocalRandom.current().nextInt(800), t -> {
            if (!closing) {
                open();
            }
        });
    }

    /** Sends without waiting (Vert.x queues the write on the socket's event loop, in call order). */
    void send(ClientFrame frame) {
        try {
            socket.writeTextMessage(Json.write(frame));
        } catch (IllegalStateException e) {
            // the connection just closed: a reconnecting client's owner resends after the next welcome
        }
    }

    /** Closes without waiting for the server's close frame (many at once, nothing to wait for). */
    void abort() {
        closing = true;
        socket.close();
    }

    void close() {
        closing = true;
        try {
            socket.close((short) 1000, "done").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already closed by the server, or it went away: either way the client is done
        }
    }
}
