package dev.parley.persistence.api;

import dev.parley.contracts.Roles;
import dev.parley.platform.auth.InternalTokens;
import java.util.Set;

/** The credential the gateway would send for a user: an internal token for this service. */
final class Callers {

    static final String SECRET = "test-only-secret-0123456789abcdef012";
    static final InternalTokens TOKENS = new InternalTokens(SECRET);

    private Callers() {
    }

    static String as(String user) {
        return TOKENS.authorization("persistence-consumer", user, Set.of(Roles.MEMBER));
    }
}
