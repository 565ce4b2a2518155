package dev.parley.seat.api;

import dev.parley.platform.auth.InternalCallerFilter;
import dev.parley.platform.auth.InternalTokens;
import dev.parley.seat.service.Problems;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every REST and SSE request must carry the gateway's internal token for seat-service; reached
 * directly, from any pod, the API serves no one (see {@link InternalCallerFilter}). The live
 * WebSocket is checked at its upgrade by {@code ws.CallerUpgradeCheck}.
 */
public class CallerAuthentication extends InternalCallerFilter {

    public CallerAuthentication(Provider<InternalTokens> tokens, @ConfigProperty(name = "quarkus.application.name") String service) {
        super(tokens, service);
    }

    /** The user the request was authenticated for. */
    public static String user(RoutingContext rc) {
        return caller(rc).userId();
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION, preMatching = true)
    public Response filter(ContainerRequestContext request, RoutingContext rc) {
        return authenticate(request, rc);
    }

    @Override
    protected String invalidUser(String userId) {
        return Api.invalidUser(userId);
    }

    @Override
    protected Response refused(String why) {
        return Response.status(401).type(Problems.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
                .entity(Problems.body(401, "unauthenticated", "Unauthenticated", why, Map.of())).build();
    }
}
