package dev.parley.system;

import dev.parley.contracts.Roles;
import dev.parley.platform.auth.InternalTokens;
import java.util.Set;
import java.util.UUID;

/**
 * The token secret of the fleets this JVM starts (one per run, never a constant), and the
 * credentials a test needs to call a service directly, as the gateway would.
 */
final class FleetSecrets {

    static final String JWT = "system-test-secret-" + UUID.randomUUID();
    private static final InternalTokens INTERNAL = new InternalTokens(JWT);

    private FleetSecrets() {
    }

    /** The {@code Authorization} value of a direct call to {@code service} on behalf of {@code user}. */
    static String internal(String service, String user) {
        return INTERNAL.authorization(service, user, Set.of(Roles.MEMBER));
    }
}
