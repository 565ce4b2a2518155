package dev.parley.platform.auth;

/**
 * Where a request's access token is read from, the same on every path (the gateway's REST API and
 * relays, ws-service's upgrade): {@code ?token=} first (browsers cannot set headers on a WebSocket
 * or an EventSource), else {@code Authorization: Bearer <token>}. Nothing is trimmed: whatever
 * follows the scheme is the token, and {@link TokenCodec#verify} accepts only an exact compact JWS.
 */
public final class Credentials {

    private static final String BEARER = "Bearer ";

    private Credentials() {
    }

    /** The token of a request, or null when it carries none. */
    public static String token(String queryToken, String authorization) {
        return queryToken != null ? queryToken : bearer(authorization);
    }

    /** The token of an {@code Authorization: Bearer} header (scheme case-insensitive), or null. */
    public static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return authorization.substring(BEARER.length());
    }

    /** The header value that passes a token on to a downstream service. */
    public static String authorization(String token) {
        return BEARER + token;
    }
}
