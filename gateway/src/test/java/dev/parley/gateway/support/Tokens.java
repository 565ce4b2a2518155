package dev.parley.gateway.support;

import dev.parley.platform.auth.TokenCodec;
import java.time.Duration;

/** Tokens signed with the test profile's secret, minted directly (no login endpoint needed). */
public final class Tokens {

    public static final TokenCodec CODEC = new TokenCodec("test-only-secret-0123456789abcdef012");

    private Tokens() {
    }

    public static String bearer(String user) {
        return "Bearer " + CODEC.mint(user, null, Duration.ofMinutes(10));
    }
}
