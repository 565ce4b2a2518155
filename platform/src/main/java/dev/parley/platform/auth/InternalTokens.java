package dev.parley.platform.auth;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credential of one call from the gateway to one service: a JWT naming the verified user and
 * roles, for that service only (audience), valid one minute. Services authenticate every request
 * with it instead of trusting an identity header; replayed elsewhere, or later, it is refused.
 */
public final class InternalTokens {

    /** Long enough for a call with retries, short enough that a leaked one is soon worthless. */
    public static final Duration TTL = Duration.ofSeconds(60);

    private final String secret;
    private final Map<String, TokenCodec> codecs = new ConcurrentHashMap<>();

    public InternalTokens(String secret) {
        this.secret = secret;
        TokenCodec.internal(secret, "check"); // fail at start-up, not at the first call, on a bad secret
    }

    /** The {@code Authorization} header value for a call to {@code service} on behalf of the user. */
    public String authorization(String service, String userId, Set<String> roles) {
        return Credentials.authorization(codec(service).mint(userId, null, roles, TTL));
    }

    /** Verifies the {@code Authorization} header of a request to {@code service}; throws why not. */
    public TokenCodec.VerifiedToken verify(String service, String authorization) {
        String token = Credentials.bearer(authorization);
        if (token == null) {
            throw new TokenCodec.InvalidTokenException(authorization == null ? "credential missing" : "credential is not a Bearer token");
        }
        return codec(service).verify(token);
    }

    private TokenCodec codec(String service) {
        return codecs.computeIfAbsent(service, s -> TokenCodec.internal(secret, s));
    }
}
