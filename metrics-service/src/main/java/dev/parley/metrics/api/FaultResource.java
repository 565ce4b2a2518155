package dev.parley.metrics.api;

import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import dev.parley.metrics.service.FaultInjector;
import dev.parley.metrics.service.FleetMonitor;
import dev.parley.platform.auth.OperatorAccess;
import dev.parley.platform.auth.TokenCodec;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/**
 * The fault-injection switch: synthetic errors that open a service's alerts. It pages people, so
 * only an operator (an access token with the operator role) may throw it, and a body it does not
 * understand is refused rather than filled with defaults.
 */
@Path("/api/faults")
@Produces(MediaType.APPLICATION_JSON)
public class FaultResource {

    private final FleetMonitor fleet;
    private final FaultInjector faults;
    private final OperatorAccess operators;

    public FaultResource(FleetMonitor fleet, FaultInjector faults, TokenCodec tokens) {
        this.fleet = fleet;
        this.faults = faults;
        this.operators = new OperatorAccess(tokens);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response inject(@HeaderParam("Authorization") String authorization, String body) {
        OperatorAccess.Refusal refusal = operators.check(authorization);
        if (refusal != null) {
            return refused(refusal);
        }
        FaultRequest request;
        try {
            request = body == null || body.isBlank() ? null : Json.readStrict(body, FaultRequest.class);
        } catch (JsonDecodeException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "malformed body: " + e.getMessage());
        }
        if (request == null || request.service() == null || !fleet.knows(request.service())) {
            return Problem.response(Response.Status.BAD_REQUEST, "service must be one of " + fleet.targets().keySet());
        }
        try {
            var fault = faults.inject(request.service(),
                    request.errorRate() == null ? 0.3 : request.errorRate(),
                    request.syntheticRps() == null ? 50 : request.syntheticRps(),
                    Duration.ofSeconds(request.durationSeconds() == null ? 60 : request.durationSeconds()));
            return Response.accepted(fault).build();
        } catch (IllegalArgumentException e) {
            return Problem.response(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    @DELETE
    @Path("/{service}")
    public Response clear(@HeaderParam("Authorization") String authorization, @PathParam("service") String service) {
        OperatorAccess.Refusal refusal = operators.check(authorization);
        if (refusal != null) {
            return refused(refusal);
        }
        if (!fleet.knows(service)) {
            return Problem.response(Response.Status.NOT_FOUND, "unknown service " + service);
        }
        faults.clear(service);
        return Response.noContent().build();
    }

    private static Response refused(OperatorAccess.Refusal refusal) {
        Response problem = Problem.response(Response.Status.fromStatusCode(refusal.status()), refusal.detail());
        return refusal.status() == 401
                ? Response.fromResponse(problem).header("WWW-Authenticate", "Bearer error=\"invalid_token\"").build()
                : problem;
    }
}
