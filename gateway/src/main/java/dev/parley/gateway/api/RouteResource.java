package dev.parley.gateway.api;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.routing.PodDirectory;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Where the caller should open its chat WebSocket: the gateway's own relay {@code /ws/chat} (a
 * path on the host the client already talks to; it leads to the same pod), or, with
 * {@code parley.gateway.relay.advertise=false}, the pod itself. {@code direct} always names the pod.
 */
@Path("/api/route")
public class RouteResource {

    public static final String RELAY_PATH = "/ws/chat";

    /** The answer: pod id, where to connect, and the pod's own address. */
    public record Route(String pod, String url, String direct) {
    }

    private final PodDirectory pods;
    private final boolean relay;

    public RouteResource(PodDirectory pods, GatewayConfig config) {
        this.pods = pods;
        this.relay = config.relay().advertise();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response route(RoutingContext rc) {
        var caller = ApiGuard.caller(rc);
        return pods.route(caller.userId())
                .map(r -> Response.ok(new Route(r.pod(), relay ? RELAY_PATH : r.url(), r.url())).build())
                .orElseGet(() -> Problem.response(503, "Service Unavailable", "no live chat pod", caller.requestId())
                        .header("Retry-After", 1).build());
    }
}
