package dev.parley.gateway.relay;

import dev.parley.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the relayed long-lived connections apart from the HTTP idle timeout
 * ({@code quarkus.http.idle-timeout}, which closes half-sent requests) and finds dead clients:
 * every {@code ping-interval} each relayed client WebSocket gets a ping and each quiet SSE stream
 * a comment line, so a live connection is never idle; a client WebSocket from which nothing came
 * (no message, no pong) for {@code idle-timeout} is closed with 4000, which closes its downstream.
 * The pod behind cannot tell: the gateway's own client answers the pod's pings. One periodic
 * timer for all connections; each write runs on its connection's own context.
 */
@ApplicationScoped
public class RelayKeepalive {

    /** SSE comment: ignored by every EventSource, and bytes on the wire for every idle timer. */
    private static final Buffer COMMENT = Buffer.buffer(":\n\n");
    private static final Buffer PING = Buffer.buffer("keepalive");
    /** Close code for a relayed socket closed for silence (as ws-service's, docs/protocol.md). */
    static final short CLOSE_IDLE_TIMEOUT = 4000;

    /** A relayed client WebSocket and when something last came from it. */
    final class Socket {
        private final ServerWebSocket ws;
        private final Context context;
        private volatile long lastReadNanos = System.nanoTime();

        private Socket(ServerWebSocket ws, Context context) {
            this.ws = ws;
            this.context = context;
        }

        void touch() {
            lastReadNanos = System.nanoTime();
        }
    }

    /** A relayed SSE response; {@code atBoundary} is false while an event is half written. */
    final class Stream {
        private final HttpServerResponse response;
        private final Context context;
        private volatile long lastWriteNanos = System.nanoTime();
        private volatile boolean atBoundary = true;

        private Stream(HttpServerResponse response, Context context) {
            this.response = response;
            this.context = context;
        }

        /** The relay wrote {@code chunk}: a comment may follow only where an event ended. */
        void wrote(Buffer chunk) {
            lastWriteNanos = System.nanoTime();
            int n = chunk.length();
            atBoundary = n >= 2 && chunk.getByte(n - 1) == '\n' && chunk.getByte(n - 2) == '\n';
        }
    }

    private final Vertx vertx;
    private final long intervalMillis;
    private final long idleNanos;
    private final Map<ServerWebSocket, Socket> sockets = new ConcurrentHashMap<>();
    private final Map<HttpServerResponse, Stream> streams = new ConcurrentHashMap<>();
    private final Counter idleClosed;
    private long timer = -1;

    public RelayKeepalive(Vertx vertx, GatewayConfig config, MeterRegistry registry) {
        this.vertx = vertx;
        this.intervalMillis = config.relay().pingInterval().toMillis();
        this.idleNanos = config.relay().idleTimeout().toNanos();
        this.idleClosed = Counter.builder("parley.gateway.relay.idle.closed")
                .description("relayed WebSockets closed because nothing came from the client within the idle timeout").register(registry);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(intervalMillis, id -> sweep());
    }

    Socket track(ServerWebSocket ws) {
        Socket socket = new Socket(ws, context());
        sockets.put(ws, socket);
        ws.pongHandler(pong -> socket.touch());
        return socket;
    }

    void untrack(ServerWebSocket ws) {
        sockets.remove(ws);
    }

    Stream track(HttpServerResponse response) {
        Stream stream = new Stream(response, context());
        streams.put(response, stream);
        return stream;
    }

    void untrack(HttpServerResponse response) {
        streams.remove(response);
    }

    /** The caller's context (the connection's event loop); a fresh one if called off any context. */
    private Context context() {
        Context current = Vertx.currentContext();
        return current != null ? current : vertx.getOrCreateContext();
    }

    int tracked() {
        return sockets.size() + streams.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Socket s : sockets.values()) {
            s.context.runOnContext(v -> {
                if (s.ws.isClosed()) {
                    sockets.remove(s.ws);
                } else if (now - s.lastReadNanos > idleNanos) {
                    sockets.remove(s.ws);
                    idleClosed.increment();
                    s.ws.close(CLOSE_IDLE_TIMEOUT, "idle_timeout");
                } else if (!s.ws.writeQueueFull()) {
                    s.ws.writePing(PING.copy());
                }
            });
        }
        long quiet = intervalMillis * 1_000_000L / 2;
        for (Stream s : streams.values()) {
            s.context.runOnContext(v -> {
                if (s.response.closed() || s.response.ended()) {
                    streams.remove(s.response);
                } else if (s.atBoundary && now - s.lastWriteNanos > quiet && !s.response.writeQueueFull()) {
                    s.response.write(COMMENT.copy());
                    s.lastWriteNanos = now;
                }
            });
        }
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
