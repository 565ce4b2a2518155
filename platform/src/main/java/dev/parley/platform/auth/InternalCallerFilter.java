package dev.parley.platform.auth;

import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

/**
 * What every service API behind the gateway does first: authenticate the request with an internal
 * token minted for this service, or refuse it (401) before routing — so an unknown path, a new
 * endpoint, a direct call from any pod are all covered, and nothing about the caller is read from
 * a header. Health and metrics under /q/ stay open to the probes and the scraper.
 *
 * <p>Not a filter itself (the platform is on every service's class path, the gateway's too): each
 * service subclasses it with a {@code @ServerRequestFilter(preMatching = true)} method that calls
 * {@link #authenticate} and renders refusals in its problem shape.
 */
public abstract class InternalCallerFilter {

    private static final String CALLER = "parley.caller";

    private final Provider<InternalTokens> tokens;
    private final String service;

    /**
     * A provider, because RESTEasy Reactive builds filters at static init, before the runtime
     * configuration (the secret) exists: the tokens are looked up on the first request.
     */
    protected InternalCallerFilter(Provider<InternalTokens> tokens, String service) {
        this.tokens = tokens;
        this.service = service;
    }

    /** The caller the request was authenticated for (every API request has one). */
    public static TokenCodec.VerifiedToken caller(RoutingContext rc) {
        TokenCodec.VerifiedToken caller = rc.get(CALLER);
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on " + rc.normalizedPath());
        }
        return caller;
    }

    /** Null to go on (caller stored), or the refusal to answer. */
    protected Response authenticate(ContainerRequestContext request, RoutingContext rc) {
        if (rc.normalizedPath().startsWith("/q/")) {
            return null;
        }
        TokenCodec.VerifiedToken caller;
        try {
            caller = tokens.get().verify(service, request.getHeaderString("Authorization"));
        } catch (TokenCodec.InvalidTokenException e) {
            return refused(e.getMessage());
        }
        String invalid = invalidUser(caller.userId());
        if (invalid != null) {
            return refused(invalid);
        }
        rc.put(CALLER, caller);
        return null;
    }

    /** Why this service cannot serve the credential's user id, or null when it can. */
    protected abstract String invalidUser(String userId);

    /** The 401 answer, in this service's problem shape, with {@code WWW-Authenticate}. */
    protected abstract Response refused(String why);
}
