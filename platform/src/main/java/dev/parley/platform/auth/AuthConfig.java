package dev.parley.platform.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The HMAC secret shared by the token issuer (gateway) and verifiers (ws-service). Never defaulted
 * for production: set PARLEY_JWT_SECRET from a secret store; dev and test profiles set their own.
 */
@ConfigMapping(prefix = "parley.auth")
public interface AuthConfig {

    Optional<String> hmacSecret();

    /** Lifetime of tokens minted by the issuer. */
    @WithDefault("PT12H")
    Duration tokenTtl();
}
