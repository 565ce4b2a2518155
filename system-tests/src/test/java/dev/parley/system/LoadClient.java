package dev.parley.system;

import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
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

    private final WebSocket socket;

    private LoadClient(WebSocket socket) {
        this.socket = socket;
    }

    static LoadClient connect(String wsBase, String token, String device, Consumer<ServerFrame> onFrame) {
        URI uri = URI.create(wsBase + "/ws/chat?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&device=" + device);
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setURI(uri.getRawPath() + "?" + uri.getRawQuery());
        try {
            // the handler is set on the socket's event loop as it opens, before the welcome frame is read
            WebSocket socket = CLIENT.connect(options)
                    .map(ws -> {
                        ws.textMessageHandler(text -> onFrame.accept(Json.read(text, ServerFrame.class)));
                        return ws;
                    })
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
            return new LoadClient(socket);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect " + uri.getHost() + ":" + uri.getPort() + " as " + device, e);
        }
    }

    /** Sends without waiting (Vert.x queues the write on the socket's event loop, in call order). */
    void send(ClientFrame frame) {
        socket.writeTextMessage(Json.write(frame));
    }

    /** Closes without waiting for the server's close frame (many at once, nothing to wait for). */
    void abort() {
        socket.close();
    }

    void close() {
        try {
            socket.close((short) 1000, "done").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // already closed by the server, or it went away: either way the client is done
        }
    }
}
