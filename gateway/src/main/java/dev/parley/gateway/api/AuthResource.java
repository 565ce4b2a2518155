package dev.parley.gateway.api;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.platform.auth.AuthConfig;
import dev.parley.platform.auth.TokenCodec;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.regex.Pattern;

/** Demo login: a token for any well-formed user id. Off unless parley.gateway.dev-login.enabled. */
@Path("/api/auth")
public class AuthResource {

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final TokenCodec tokens;
    private final AuthConfig auth;
    private final GatewayConfig config;

    public AuthResource(TokenCodec tokens, AuthConfig auth, GatewayConfig config) {
        this.tokens = tokens;
        this.auth = auth;
        this.config = config;
    }

    public record LoginRequest(String user, String name) {
    }

    public record LoginResponse(String token, String user, Instant expiresAt) {
    }

    @POST
    @Path("/dev-login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response devLogin(LoginRequest body, RoutingContext rc) {
        String requestId = HttpEdge.requestId(rc);
        if (!config.devLogin().enabled()) {
            return Problem.response(404, "Not Found", "dev login is disabled", requestId).build();
        }
        if (body == null || body.user() == null || !USER_ID.matcher(body.user()).matches()) {
            return Problem.response(400, "Bad Request", "user must be 1-64 characters of [A-Za-z0-9._-]", requestId).build();
        }
        if (body.name() != null && body.name().length() > 100) {
            return Problem.response(400, "Bad Request", "name must be at most 100 characters", requestId).build();
        }
        Instant expiresAt = Instant.now().plus(auth.tokenTtl());
        String token = tokens.mint(body.user(), body.name(), auth.tokenTtl());
        return Response.ok(new LoginResponse(token, body.user(), expiresAt)).build();
    }
}
