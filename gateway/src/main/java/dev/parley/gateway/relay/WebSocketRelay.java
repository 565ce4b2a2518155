package dev.parley.gateway.relay;

import dev.parley.gateway.api.HttpEdge;
import dev.parley.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Joins a client's WebSocket to a downstream one, message for message, text stays text. The
 * downstream is opened first, so an unreachable pod is a plain HTTP 502 and the client never sees
 * a socket that goes nowhere. Each direction stops reading while the other side's write queue is
 * full: a slow reader slows its sender through TCP instead of growing a buffer here (ws-service's
 * own slow-client policy then applies). Closing either side closes the other with the same code
 * and reason — a draining pod's "reconnect" reaches the client as sent. A user holds at most
 * {@code max-per-user} relayed connections ({@link UserRelaySlots}); the client side is pinged and
 * closed when silent ({@link RelayKeepalive}).
 */
@ApplicationScoped
public class WebSocketRelay {

    private static final Logger LOG = Logger.getLogger(WebSocketRelay.class);

    private final WebSocketClient client;
    private final RelaySlots slots;
    private final UserRelaySlots userSlots;
    private final RelayKeepalive keepalive;
    private final Counter refused;
    private final Counter failed;

    public WebSocketRelay(Vertx vertx, GatewayConfig config, UserRelaySlots userSlots, RelayKeepalive keepalive, MeterRegistry registry) {
        this.userSlots = userSlots;
        this.keepalive = keepalive;
        GatewayConfig.Relay relay = config.relay();
        this.slots = new RelaySlots(relay.maxConnections(), "parley.gateway.relay.connections",
                "WebSockets relayed by this gateway right now", registry);
        this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout((int) relay.connectTimeout().toMillis())
                .setMaxConnections(relay.maxConnections())
                .setMaxMessageSize(1024 * 1024));
        this.refused = Counter.builder("parley.gateway.relay.refused")
                .description("WebSockets refused because the relay was at its connection limit").register(registry);
        this.failed = Counter.builder("parley.gateway.relay.downstream.failures")
                .description("WebSockets whose downstream could not be opened").register(registry);
    }

    /** Relays the request's WebSocket for {@code userId} to target; answers 429/503/502 itself when it cannot. */
    public void relay(RoutingContext rc, WebSocketConnectOptions target, String userId) {
        Runnable releaseUser = userSlots.take(userId);
        if (releaseUser == null) {
            HttpEdge.problem(rc, 429, "Too Many Requests", "this user holds as many relayed connections as allowed", 10);
            return;
        }
        Runnable releaseSlot = slots.take();
        if (releaseSlot == null) {
            releaseUser.run();
            refused.increment();
            HttpEdge.problem(rc, 503, "Service Unavailable", "the gateway relays as many WebSockets as it may; retry shortly", 1);
            return;
        }
        Runnable release = () -> {
            releaseSlot.run();
            releaseUser.run();
        };
        target.addHeader(HttpEdge.REQUEST_ID, HttpEdge.requestId(rc));
        client.connect(target).onComplete(down -> {
            if (down.failed()) {
                release.run();
                if (down.cause() instanceof UpgradeRejectedException rejected && rejected.getStatus() == 429) {
                    // the pod's own per-user socket cap: the client learns it as such, not as a failure
                    HttpEdge.problem(rc, 429, "Too Many Requests", "this user holds as many sockets on its pod as allowed", 10);
                    return;
                }
                failed.increment();
                LOG.debugf("downstream WebSocket %s:%d%s failed: %s", target.getHost(), target.getPort(), target.getURI(), down.cause().toString());
                HttpEdge.problem(rc, 502, "Bad Gateway", "the downstream WebSocket could not be opened", 0);
                return;
            }
            WebSocket downstream = down.result();
            downstream.pause();
            rc.request().toWebSocket().onComplete(up -> {
                if (up.failed()) {
                    release.run();
                    downstream.close();
                    return;
                }
                join(up.result(), downstream, release);
            });
        });
    }

    private void join(ServerWebSocket upstream, WebSocket downstream, Runnable release) {
        RelayKeepalive.Socket tracked = keepalive.track(upstream);
        Runnable done = () -> {
            keepalive.untrack(upstream);
            release.run();
        };
        pipe(upstream, downstream, done, tracked::touch);
        pipe(downstream, upstream, done, () -> { });
        downstream.resume();
    }

    private static void pipe(WebSocketBase from, WebSocketBase to, Runnable release, Runnable onRead) {
        from.textMessageHandler(text -> {
            onRead.run();
            to.writeTextMessage(text);
            holdWhileFull(from, to);
        });
        from.binaryMessageHandler(bytes -> {
            onRead.run();
            to.writeBinaryMessage(bytes);
            holdWhileFull(from, to);
        });
        from.exceptionHandler(e -> to.close((short) 1011, "relay error"));
        from.closeHandler(v -> {
            release.run();
            if (!to.isClosed()) {
                Short code = from.closeStatusCode();
                // 1005/1006 cannot be sent in a close frame; a vanished peer is "going away".
                short sendable = code == null || code == 1005 || code == 1006 || code == 1015 ? 1001 : code;
                to.close(sendable, from.closeReason());
            }
        });
    }

    private static void holdWhileFull(WebSocketBase from, WebSocketBase to) {
        if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
        }
    }

    public int openConnections() {
        return slots.open();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
