package dev.parley.gateway.api;

import dev.parley.gateway.client.DownstreamUnavailableException;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Downstream failures as problem+json: the caller learns what happened, which service it was, and
 * whether to retry. Each downstream has its own breaker and bulkhead (one per client method), so
 * the answer names the one the request went to.
 */
public class DownstreamErrors {

    /** What the caller knows the downstream as: the resource the path belongs to. */
    static String downstream(RoutingContext rc) {
        String path = rc.normalizedPath();
        return path.startsWith("/api/cohorts") ? "the seat service" : "chat history";
    }

    @ServerExceptionMapper
    public Response open(CircuitBreakerOpenException e, RoutingContext rc) {
        return Problem.response(503, "Service Unavailable", downstream(rc) + " is temporarily unavailable (circuit open)", HttpEdge.requestId(rc))
                .header("Retry-After", 5).build();
    }

    @ServerExceptionMapper
    public Response full(BulkheadException e, RoutingContext rc) {
        return Problem.response(503, "Service Unavailable", "too many calls to " + downstream(rc) + " in progress", HttpEdge.requestId(rc))
                .header("Retry-After", 1).build();
    }

    @ServerExceptionMapper
    public Response slow(org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException e, RoutingContext rc) {
        return Problem.response(504, "Gateway Timeout", downstream(rc) + " did not answer in time", HttpEdge.requestId(rc)).build();
    }

    @ServerExceptionMapper
    public Response slowIo(TimeoutException e, RoutingContext rc) {
        return Problem.response(504, "Gateway Timeout", downstream(rc) + " did not answer in time", HttpEdge.requestId(rc)).build();
    }

    @ServerExceptionMapper
    public Response failed(DownstreamUnavailableException e, RoutingContext rc) {
        return Problem.response(502, "Bad Gateway", e.getMessage(), HttpEdge.requestId(rc)).build();
    }

    @ServerExceptionMapper
    public Response unreachable(io.vertx.core.VertxException e, RoutingContext rc) {
        return Problem.response(502, "Bad Gateway", downstream(rc) + " is unreachable", HttpEdge.requestId(rc)).build();
    }

    @ServerExceptionMapper
    public Response unreachableIo(java.net.ConnectException e, RoutingContext rc) {
        return Problem.response(502, "Bad Gateway", downstream(rc) + " is unreachable", HttpEdge.requestId(rc)).build();
    }
}
