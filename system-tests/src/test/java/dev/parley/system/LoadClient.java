package dev.parley.system;

import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A lean protocol client for load: frames go to a callback, nothing is kept. */
final class LoadClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);

    private LoadClient(String url, Consumer<ServerFrame> onFrame) {
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    onFrame.accept(Json.read(partial.toString(), ServerFrame.class));
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).join();
    }

    static LoadClient connect(String wsBase, String token, String device, Consumer<ServerFrame> onFrame) {
        return new LoadClient(wsBase + "/ws/chat?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + "&device=" + device, onFrame);
    }

    /** Sends without waiting; the JDK client allows one outstanding send, so sends are chained. */
    synchronized void send(ClientFrame frame) {
        String text = Json.write(frame);
        sending = sending.thenCompose(x -> socket.sendText(text, true)).thenApply(x -> null);
    }

    /** Drops the connection without a close handshake (many at once, nothing to wait for). */
    void abort() {
        socket.abort();
    }

    void close() {
        sending.join();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
}
