package dev.parley.gateway.api;

import dev.parley.gateway.routing.PodDirectory;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Which ws-service pod the caller should open its chat WebSocket on. */
@Path("/api/route")
public class RouteResource {

    private final PodDirectory pods;

    public RouteResource(PodDirectory pods) {
        this.pods = pods;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response route(RoutingContext rc) {
        var caller = ApiGuard.caller(rc);
        return pods.route(caller.userId())
                .map(r -> Response.ok(r).build())
                .orElseGet(() -> Problem.response(503, "Service Unavailable", "no live chat pod", caller.requestId())
                        .header("Retry-After", 1).build());
    }
}
