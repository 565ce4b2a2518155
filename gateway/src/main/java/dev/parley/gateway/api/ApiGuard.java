package dev.parley.gateway.api;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.ratelimit.RateDecision;
import dev.parley.gateway.ratelimit.RedisRateLimiter;
import dev.parley.gateway.service.Caller;
import dev.parley.platform.auth.TokenCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import jakarta.ws.rs.container.ContainerResponseContext;

/**
 * Guards every /api call: the per-IP bucket first (so token guessing is limited too), then the
 * bearer token (except for the login endpoint), then the per-user bucket. The verified caller is
 * put in the routing context for the resources; a client-sent X-Parley-User never goes anywhere.
 */
public class ApiGuard {

    public static final String CALLER_KEY = "parley.caller";
    private static final String DECISION_KEY = "parley.rate";
    private static final Logger LOG = Logger.getLogger(ApiGuard.class);

    private final TokenCodec tokens;
    private final RedisRateLimiter limiter;
    private final GatewayConfig config;

    public ApiGuard(TokenCodec tokens, RedisRateLimiter limiter, GatewayConfig config) {
        this.tokens = tokens;
        this.limiter = limiter;
        this.config = config;
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
        boolean login = path.equals("/api/auth/dev-login");
        return limit(rc, "ip", clientIp(rc), config.rateLimit().ip())
                .chain(refused -> {
                    if (refused != null || login) {
                        return Uni.createFrom().item(refused);
                    }
                    TokenCodec.VerifiedToken verified;
                    try {
                        verified = tokens.verify(bearer(request.getHeaderString("Authorization")));
                    } catch (TokenCodec.InvalidTokenException e) {
                        return Uni.createFrom().item(unauthorized(e.getMessage(), requestId));
                    }
                    rc.put(CALLER_KEY, new Caller(verified.userId(), requestId));
                    return limit(rc, "user", verified.userId(), config.rateLimit().user());
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

    private Uni<Response> limit(RoutingContext rc, String scope, String subject, GatewayConfig.Bucket bucket) {
        if (!config.rateLimit().enabled()) {
            return Uni.createFrom().nullItem();
        }
        return limiter.acquire(scope, subject, bucket)
                .map(d -> {
                    RateDecision previous = rc.get(DECISION_KEY);
                    if (previous == null || d.remaining() <= previous.remaining()) {
                        rc.put(DECISION_KEY, d);
                    }
                    if (d.allowed()) {
                        return null;
                    }
                    return Problem.response(429, "Too Many Requests",
                                    "rate limit (" + scope + ") exceeded; retry after " + d.retryAfterSeconds() + " s", HttpEdge.requestId(rc))
                            .header("Retry-After", d.retryAfterSeconds())
                            .header("RateLimit-Limit", d.limit())
                            .header("RateLimit-Remaining", 0)
                            .build();
                })
                // Redis unreachable: fail open (the in-JVM concurrency limit still protects us)
                // rather than turning a limiter outage into a full outage.
                .onFailure().recoverWithItem(f -> {
                    LOG.warnf("rate limiter unavailable, request allowed: %s", f.toString());
                    return null;
                });
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private static Response unauthorized(String reason, String requestId) {
        return Problem.response(401, "Unauthorized", reason, requestId)
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"" + reason + "\"")
                .build();
    }

    /** The peer address; behind a trusted proxy enable quarkus.http.proxy.proxy-address-forwarding. */
    private static String clientIp(RoutingContext rc) {
        var address = rc.request().remoteAddress();
        return address == null ? "unknown" : address.hostAddress();
    }
}
