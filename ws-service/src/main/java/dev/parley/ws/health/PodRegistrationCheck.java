package dev.parley.ws.health;

import dev.parley.ws.service.PodLifecycle;
import dev.parley.ws.ws.ConnectionRegistry;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while registered in the pod registry (fresh heartbeat) and not draining. */
@Readiness
@Singleton
public class PodRegistrationCheck implements HealthCheck {

    private final PodLifecycle lifecycle;
    private final ConnectionRegistry connections;

    public PodRegistrationCheck(PodLifecycle lifecycle, ConnectionRegistry connections) {
        this.lifecycle = lifecycle;
        this.connections = connections;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ws-service pod registration")
                .status(lifecycle.isRegistered())
                .withData("draining", lifecycle.isDraining())
                .withData("connections", connections.size())
                .build();
    }
}
