package dev.parley.ws.api;

import dev.parley.contracts.json.Json;
import dev.parley.platform.auth.OperatorAccess;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.ws.service.PodLifecycle;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drains this pod on an operator's request: leave the registry, tell clients to reconnect
 * elsewhere, close. It disconnects every user of the pod, so only an access token with the
 * operator role may ask. Kubernetes does not call it: the pod drains itself on SIGTERM.
 */
@Path("/internal/drain")
public class DrainResource {

    private final PodLifecycle lifecycle;
    private final OperatorAccess operators;

    public DrainResource(PodLifecycle lifecycle, TokenCodec tokens) {
        this.lifecycle = lifecycle;
        this.operators = new OperatorAccess(tokens);
    }

    @POST
    public Uni<Response> drain(@HeaderParam("Authorization") String authorization) {
        OperatorAccess.Refusal refusal = operators.check(authorization);
        if (refusal != null) {
            return Uni.createFrom().item(problem(refusal));
        }
        return lifecycle.drain().map(closed -> Response.ok(Json.write(Map.of("draining", true, "closed", closed)), MediaType.APPLICATION_JSON).build());
    }

    private static Response problem(OperatorAccess.Refusal refusal) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:parley:problem:" + (refusal.status() == 401 ? "unauthorized" : "forbidden"));
        body.put("title", refusal.status() == 401 ? "Unauthorized" : "Forbidden");
        body.put("status", refusal.status());
        body.put("detail", refusal.detail());
        Response.ResponseBuilder r = Response.status(refusal.status()).type("application/problem+json").entity(Json.write(body));
        return (refusal.status() == 401 ? r.header("WWW-Authenticate", "Bearer error=\"invalid_token\"") : r).build();
    }
}
