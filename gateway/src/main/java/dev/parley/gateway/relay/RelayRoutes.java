package dev.parley.gateway.relay;

import dev.parley.gateway.api.ApiGuard;
import dev.parley.gateway.api.HttpEdge;
import dev.parley.gateway.client.Downstream;
import dev.parley.gateway.client.SeatClient;
import dev.parley.gateway.routing.PodDirectory;
import dev.parley.gateway.service.Caller;
import dev.parley.gateway.service.EdgeAdmission;
import dev.parley.platform.auth.Credentials;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.function.Consumer;

/**
 * The long-lived connections through the gateway, admitted like every /api call (IP bucket, token,
 * user bucket) before anything is opened downstream:
 * <ul>
 *   <li>{@code /ws/chat?token=&device=} → the user's ws-service pod on the ring (the pod checks
 *       the token again: the query and the Authorization header go on as they came);</li>
 *   <li>{@code /api/cohorts/{id}/live?token=&lastEventId=} → seat-service's live WebSocket;</li>
 *   <li>{@code /api/cohorts/{id}/events?token=} → seat-service's SSE stream.</li>
 * </ul>
 * Browsers can set no header on a WebSocket or EventSource, hence the token in the query; an
 * Authorization header works as well.
 */
@ApplicationScoped
public class RelayRoutes {

    private static final String COHORT = "/api/cohorts/([A-Za-z0-9-]{1,64})/";

    private final EdgeAdmission admission;
    private final PodDirectory pods;
    private final WebSocketRelay sockets;
    private final EventStreamRelay streams;
    private final Downstream seats;

    public RelayRoutes(EdgeAdmission admission, PodDirectory pods, WebSocketRelay sockets, EventStreamRelay streams, SeatClient seatClient) {
        this.admission = admission;
        this.pods = pods;
        this.sockets = sockets;
        this.streams = streams;
        this.seats = seatClient.downstream();
    }

    void install(@Observes Router router) {
        router.get(dev.parley.gateway.api.RouteResource.RELAY_PATH).order(-999).handler(rc -> admitted(rc, true, caller -> chat(rc, caller)));
        router.getWithRegex(COHORT + "live").order(-999).handler(rc -> admitted(rc, true, caller -> seatLive(rc, caller)));
        router.getWithRegex(COHORT + "events").order(-999).handler(rc -> admitted(rc, false, caller -> seatEvents(rc, caller)));
    }

    private void chat(RoutingContext rc, Caller caller) {
        var route = pods.route(caller.userId());
        if (route.isEmpty()) {
            HttpEdge.problem(rc, 503, "Service Unavailable", "no live chat pod", 1);
            return;
        }
        URI pod = URI.create(route.get().url());
        // The credential goes on as it came (the query with token and device, the Authorization
        // header): ws-service authenticates the socket itself.
        String query = rc.request().query();
        WebSocketConnectOptions target = new WebSocketConnectOptions().setHost(pod.getHost()).setPort(pod.getPort())
                .setSsl("wss".equals(pod.getScheme())).setURI(pod.getRawPath() + (query == null ? "" : "?" + query));
        String authorization = rc.request().getHeader("Authorization");
        if (authorization != null) {
            target.addHeader("Authorization", authorization);
        }
        sockets.relay(rc, target, caller.userId());
    }

    private void seatLive(RoutingContext rc, Caller caller) {
        WebSocketConnectOptions target = new WebSocketConnectOptions().setHost(seats.host()).setPort(seats.port())
                .setSsl(seats.secure()).setURI(seats.prefix() + "/cohorts/" + rc.pathParam("param0") + "/live" + lastEventQuery(rc))
                .addHeader("Authorization", seats.authorization(caller));
        sockets.relay(rc, target, caller.userId());
    }

    private void seatEvents(RoutingContext rc, Caller caller) {
        streams.relay(rc, seats, "/cohorts/" + rc.pathParam("param0") + "/events" + lastEventQuery(rc), caller);
    }

    /** Only lastEventId goes down: the token stays here, and ?user= is never honoured from outside. */
    private static String lastEventQuery(RoutingContext rc) {
        String last = rc.queryParams().get("lastEventId");
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        if (last != null && !last.isBlank()) {
            q.add("lastEventId=" + URLEncoder.encode(last, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    private void admitted(RoutingContext rc, boolean upgrade, Consumer<Caller> then) {
        if (upgrade && !"websocket".equalsIgnoreCase(rc.request().getHeader("Upgrade"))) {
            HttpEdge.problem(rc, 426, "Upgrade Required", "this is a WebSocket endpoint", 0);
            return;
        }
        rc.request().pause();
        // Limiter answers arrive on the Redis client's thread; the request is served on its own.
        Context context = Vertx.currentContext();
        String token = Credentials.token(rc.queryParams().get("token"), rc.request().getHeader("Authorization"));
        admission.admit(ApiGuard.clientIp(rc), token, HttpEdge.requestId(rc)).subscribe().with(o -> context.runOnContext(v -> {
            if (o.refusal() == null) {
                then.accept(o.caller());
                return;
            }
            if (o.refusal().status() == 401) {
                rc.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                HttpEdge.problem(rc, 401, "Unauthorized", o.refusal().detail(), 0);
            } else {
                HttpEdge.problem(rc, 429, "Too Many Requests", o.refusal().detail(), o.refusal().retryAfterSeconds());
            }
        }), e -> context.runOnContext(v -> HttpEdge.problem(rc, 500, "Internal Server Error", "admission failed", 0)));
    }
}
