package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.FleetService;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each overlay switches on or off, read from the environment its pods get. */
class OverlayTest {

    private static String gatewayEnv(String overlay, String variable) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        JsonNode gateway = Objects.find(objects, "Deployment", FleetService.GATEWAY.serviceName()).orElseThrow();
        return Objects.env(objects, gateway).get(variable);
    }

    @Test
    void theKindOverlayTurnsTheDemoLoginOn() {
        // k6's setup() and the pages log in with POST /api/auth/dev-login; off, it answers 404.
        assertEquals("true", gatewayEnv("kind", "PARLEY_DEV_LOGIN"), "kind: the gateway's PARLEY_DEV_LOGIN");
    }

    @Test
    void productionKeepsTheDemoLoginOff() {
        // A token for any user name without a password: never on a real cluster.
        assertEquals("false", gatewayEnv("production", "PARLEY_DEV_LOGIN"), "production: the gateway's PARLEY_DEV_LOGIN");
    }
}
