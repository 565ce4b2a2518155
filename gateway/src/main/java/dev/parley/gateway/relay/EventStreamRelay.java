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
 * stream outlives its reader. Last-Event-ID goes down as a header, as browsers send it.
 */
@ApplicationScoped
public class EventStreamRelay {

    private final HttpClient client;
    private final RelaySlots slots;

    public EventStreamRelay(Vertx vertx, GatewayConfig config, MeterRegistry registry) {
        int maxStreams = config.relay().maxConnections();
        this.slots = new RelaySlots(maxStreams, "parley.gateway.relay.streams",
                "Server-Sent-Event streams relayed by this gateway right now", registry);
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.relay().connectTimeout().toMillis())
                .setMaxPoolSize(maxStreams)
                .setMaxWaitQueueSize(64));
    }

    public void relay(RoutingContext rc, Downstream target, String path, Caller caller) {
        Runnable release = slots.take();
        if (release == null) {
            HttpEdge.problem(rc, 503, "Service Unavailable", "the gateway relays as many streams as it may; retry shortly", 1);
            return;
        }
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

    private static void stream(RoutingContext rc, HttpClientResponse down, Runnable release) {
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
        down.pipeTo(response).onFailure(e -> release.run());
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
