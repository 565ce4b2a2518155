package dev.parley.platform.auth;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Token codecs for services that issue or verify tokens; fails fast when no secret is set. */
public class TokenCodecProducer {

    @Produces
    @Singleton
    TokenCodec tokenCodec(AuthConfig config) {
        return new TokenCodec(secret(config));
    }

    @Produces
    @Singleton
    InternalTokens internalTokens(AuthConfig config) {
        return new InternalTokens(secret(config));
    }

    private static String secret(AuthConfig config) {
        return config.hmacSecret()
                .orElseThrow(() -> new IllegalStateException("parley.auth.hmac-secret (PARLEY_JWT_SECRET) is not set"));
    }
}
