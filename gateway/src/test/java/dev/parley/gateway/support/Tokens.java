package dev.parley.gateway.support;

import dev.parley.platform.auth.InternalTokens;
import dev.parley.platform.auth.TokenCodec;
import java.time.Duration;

/** Tokens signed with the test profile's secret, minted directly (no login endpoint needed). */
public final class Tokens {

    public static final String SECRET = "test-only-secret-0123456789abcdef012";
    public static final TokenCodec CODEC = new TokenCodec(SECRET);
    public static final InternalTokens INTERNAL = new InternalTokens(SECRET);

    private Tokens() {
    }

    public static String bearer(String user) {
        return "Bearer " + CODEC.mint(user, null, Duration.ofMinutes(10));
    }

    /** Whom an internal call's credential names, as {@code service} verifies it, or why it is refused. */
    public static String internalCaller(String service, String authorization) {
        try {
            return INTERNAL.verify(service, authorization).userId();
        } catch (TokenCodec.InvalidTokenException e) {
            return "refused: " + e.getMessage();
        }
    }
}
