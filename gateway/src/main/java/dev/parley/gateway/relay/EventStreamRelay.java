package dev.parley.gateway.relay;

import dev.parley.gateway.api.HttpEdge;
import dev.parley.gateway.client.Downstream;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.service.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Streams a downstream Server-Sent-Events response to the client as it comes (a buffering proxy
 * would hold every event until the stream ends). The pipe stops reading the downstream while the
 * client's socket is full; when the client goes away the downstream request is reset, so no
 * stream outlives its reader. Last-Event-ID goes down as a header, as browsers send it. Streams
 * count towards their user's relayed connections ({@link UserRelaySlots}); quiet ones get a
 * comment now and then ({@link RelayKeepalive}) so the HTTP idle timeout leaves them alone.
 */
@ApplicationScoped
public class EventStreamRelay {

    private final HttpClient client;
    private final RelaySlots slots;
    private final UserRelaySlots userSlots;
    private final RelayKeepalive keepalive;

    public EventStreamRelay(Vertx vertx, GatewayConfig config, UserRelaySlots userSlots, RelayKeepalive keepalive, MeterRegistry registry) {
        this.userSlots = userSlots;
        this.keepalive = keepalive;
        int maxStreams = config.relay().maxConnections();
        this.slots = new RelaySlots(maxStreams, "parley.gateway.relay.streams",
                "Server-Sent-Event streams relayed by this gateway right now", registry);
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.relay().connectTimeout().toMillis())
                .setMaxPoolSize(maxStreams)
                .setMaxWaitQueueSize(64));
    }

    public void relay(RoutingContext rc, Downstream target, String path, Caller caller) {
        Runnable releaseUser = userSlots.take(caller.userId());
        if (releaseUser == null) {
            HttpEdge.problem(rc, 429, "Too Many Requests", "this user holds as many relayed connections as allowed", 10);
            return;
        }
        Runnable releaseSlot = slots.take();
        if (releaseSlot == null) {
            releaseUser.run();
            HttpEdge.problem(rc, 503, "Service Unavailable", "the gateway relays as many streams as it may; retry shortly", 1);
            return;
        }
        Runnable release = () -> {
            releaseSlot.run();
            releaseUser.run();
            keepalive.untrack(rc.response());
        };
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host()).setPort(target.port())
                .setSsl(target.secure()).setURI(target.prefix() + path)
                .putHeader("Authorization", target.authorization(caller))
                .putHeader(HttpEdge.REQUEST_ID, caller.requestId())
                .putHeader("Accept", "text/event-stream");
        String last = rc.request().getHeader("Last-Event-ID");
        if (last != null) {
            options.putHeader("Last-Event-ID", last);
        }
        client.request(options).compose(req -> {
            rc.request().connection().closeHandler(v -> req.reset());
            return req.send();
        }).onComplete(ar -> {
            if (ar.failed()) {
                release.run();
                HttpEdge.problem(rc, 502, "Bad Gateway", "the event stream could not be opened", 0);
                return;
            }
            stream(rc, ar.result(), release);
        });
    }

    private void stream(RoutingContext rc, HttpClientResponse down, Runnable release) {
        var response = rc.response().setStatusCode(down.statusCode());
        String type = down.getHeader("Content-Type");
        if (type != null) {
            response.putHeader("Content-Type", type);
        }
        if (down.statusCode() == 200) {
            response.setChunked(true).putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        }
        response.closeHandler(v -> release.run());
        response.endHandler(v -> release.run());
        if (down.statusCode() != 200) {
            down.pipeTo(response).onFailure(e -> release.run());
            return;
        }
        // Piped by hand rather than pipeTo: the keepalive needs to know where events end.
        RelayKeepalive.Stream tracked = keepalive.track(response);
        down.handler(chunk -> {
            if (response.closed()) {
                return; // the client is gone; its close handler resets the downstream request
            }
            response.write(chunk);
            tracked.wrote(chunk);
            if (response.writeQueueFull()) {
                down.pause();
                response.drainHandler(v -> down.resume());
            }
        });
        down.endHandler(v -> {
            if (!response.closed() && !response.ended()) {
                response.end();
            }
        });
        down.exceptionHandler(e -> {
            release.run();
            response.reset();
        });
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
