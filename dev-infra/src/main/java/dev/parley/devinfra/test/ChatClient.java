package dev.parley.devinfra.test;

import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test client of the chat protocol on the JDK's own WebSocket client. It records every frame it
 * receives; {@link #await} waits for one that matches. With {@code reading=false} it stops reading
 * after the welcome frame, like a stalled client, so TCP backpressure builds up on the server.
 */
public final class ChatClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<ServerFrame> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final boolean reading;
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private ChatClient(boolean reading) {
        this.reading = reading;
    }

    public static ChatClient connect(String baseUrl, String token, String device) {
        return connect(baseUrl, token, device, true);
    }

    /** Connects to {@code baseUrl + /ws/chat}; throws (a CompletionException with the handshake status) when refused. */
    public static ChatClient connect(String baseUrl, String token, String device, boolean reading) {
        ChatClient client = open(baseUrl, token, device, reading);
        client.await(f -> "welcome".equals(f.type()), Duration.ofSeconds(10));
        return client;
    }

    /** Completes the handshake without waiting for the welcome frame (the server may close instead). */
    public static ChatClient open(String baseUrl, String token, String device, boolean reading) {
        ChatClient client = new ChatClient(reading);
        StringBuilder uri = new StringBuilder(baseUrl).append("/ws/chat?");
        if (token != null) {
            uri.append("token=").append(URLEncoder.encode(token, StandardCharsets.UTF_8)).append('&');
        }
        if (device != null) {
            uri.append("device=").append(URLEncoder.encode(device, StandardCharsets.UTF_8));
        }
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(uri.toString()), client.new Listener()).join();
        return client;
    }

    public void send(Object frame) {
        sendRaw(Json.write(frame));
    }

    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    public List<ServerFrame> frames() {
        return List.copyOf(frames);
    }

    public List<ServerFrame> frames(String type) {
        return frames.stream().filter(f -> type.equals(f.type())).toList();
    }

    /** The first received frame that matches, waiting up to {@code timeout}. */
    public ServerFrame await(Predicate<ServerFrame> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ServerFrame f : frames) {
                if (match.test(f)) {
                    return f;
                }
            }
            sleep();
        }
        throw new AssertionError("no matching frame within " + timeout + "; received " + frames.stream()
                .map(Json::write).toList());
    }

    /** Waits until {@code count} frames match. */
    public List<ServerFrame> awaitCount(Predicate<ServerFrame> match, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<ServerFrame> matching = frames.stream().filter(match).toList();
            if (matching.size() >= count) {
                return matching;
            }
            sleep();
        }
        throw new AssertionError("only " + frames.stream().filter(match).count() + " of " + count
                + " frames within " + timeout);
    }

    public int awaitClose(Duration timeout) {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + timeout, e);
        }
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!closeCode.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
            socket.abort();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                ServerFrame frame = Json.read(partial.toString(), ServerFrame.class);
                partial.setLength(0);
                frames.add(frame);
                if (!reading && "welcome".equals(frame.type())) {
                    return null; // stop reading: request no more
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
