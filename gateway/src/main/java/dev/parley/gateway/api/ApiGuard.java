package dev.parley.gateway.api;

import dev.parley.gateway.ratelimit.RateDecision;
import dev.parley.gateway.service.Caller;
import dev.parley.gateway.service.EdgeAdmission;
import dev.parley.platform.auth.Credentials;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Guards every /api call through {@link EdgeAdmission} (IP bucket, bearer token — except for the
 * login endpoint — user bucket). The verified caller is put in the routing context for the
 * resources, which call downstream services with an internal token for that user; no client header
 * carries identity anywhere.
 */
public class ApiGuard {

    public static final String CALLER_KEY = "parley.caller";
    private static final String DECISION_KEY = "parley.rate";

    private final EdgeAdmission admission;

    public ApiGuard(EdgeAdmission admission) {
        this.admission = admission;
    }

    public static Caller caller(RoutingContext rc) {
        return rc.get(CALLER_KEY);
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> guard(ContainerRequestContext request, RoutingContext rc) {
        String path = rc.normalizedPath();
        if (!path.startsWith("/api/")) {
            return Uni.createFrom().nullItem();
        }
        String requestId = HttpEdge.requestId(rc);
        String ip = clientIp(rc);
        Uni<EdgeAdmission.Outcome> outcome = path.equals("/api/auth/dev-login")
                ? admission.anonymous(ip, requestId)
                : admission.admit(ip, Credentials.bearer(request.getHeaderString("Authorization")), requestId);
        return outcome.map(o -> {
            if (o.decision() != null) {
                rc.put(DECISION_KEY, o.decision());
            }
            if (o.refusal() == null) {
                if (o.caller() != null) {
                    rc.put(CALLER_KEY, o.caller());
                }
                return null;
            }
            return refusal(o, requestId);
        });
    }

    /** Every /api response carries the caller's most constraining bucket. */
    @ServerResponseFilter
    public void headers(ContainerResponseContext response, RoutingContext rc) {
        RateDecision d = rc.get(DECISION_KEY);
        if (d != null && !response.getHeaders().containsKey("RateLimit-Limit")) {
            response.getHeaders().putSingle("RateLimit-Limit", d.limit());
            response.getHeaders().putSingle("RateLimit-Remaining", d.remaining());
        }
    }

    private static Response refusal(EdgeAdmission.Outcome o, String requestId) {
        EdgeAdmission.Refusal r = o.refusal();
        if (r.status() == 401) {
            return Problem.response(401, "Unauthorized", r.detail(), requestId)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + r.detail() + "\"")
                    .build();
        }
        return Problem.response(429, "Too Many Requests", r.detail(), requestId)
                .header("Retry-After", r.retryAfterSeconds())
                .header("RateLimit-Limit", o.decision().limit())
                .header("RateLimit-Remaining", 0)
                .build();
    }

    /**
     * The client's address: the peer's, or — when the peer is a trusted proxy (PARLEY_PROXY_FORWARDING,
     * PARLEY_TRUSTED_PROXIES) — the one it forwarded; Vert.x resolves it before this is called.
     */
    public static String clientIp(RoutingContext rc) {
        var address = rc.request().remoteAddress();
        return address == null ? "unknown" : address.hostAddress();
    }
}
