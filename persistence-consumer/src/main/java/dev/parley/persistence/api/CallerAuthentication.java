package dev.parley.persistence.api;

import dev.parley.persistence.service.Ids;
import dev.parley.platform.auth.InternalCallerFilter;
import dev.parley.platform.auth.InternalTokens;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every request must carry the gateway's internal token for this service; reached directly, from
 * any pod, the API serves no one (see {@link InternalCallerFilter}).
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
        return Ids.isUser(userId) ? null : "the credential's user id must match " + Ids.USER.pattern();
    }

    @Override
    protected Response refused(String why) {
        return Response.fromResponse(ProblemMapper.response(401, "Unauthorized", why))
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"").build();
    }
}
