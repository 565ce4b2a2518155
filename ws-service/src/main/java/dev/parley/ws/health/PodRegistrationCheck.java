package dev.parley.ws.health;

import dev.parley.ws.messaging.PodChannelSubscription;
import dev.parley.ws.service.PodLifecycle;
import dev.parley.ws.ws.ConnectionRegistry;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while registered in the pod registry (fresh heartbeat), not draining, and subscribed
 * to its delivery channel (a pod that cannot hear deliveries would only hand out "accepted" acks).
 */
@Readiness
@Singleton
public class PodRegistrationCheck implements HealthCheck {

    private final PodLifecycle lifecycle;
    private final ConnectionRegistry connections;
    private final PodChannelSubscription channel;

    public PodRegistrationCheck(PodLifecycle lifecycle, ConnectionRegistry connections, PodChannelSubscription channel) {
        this.lifecycle = lifecycle;
        this.connections = connections;
        this.channel = channel;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ws-service pod registration")
                .status(lifecycle.isRegistered() && channel.subscribed())
                .withData("draining", lifecycle.isDraining())
                .withData("deliveryChannel", channel.subscribed())
                .withData("connections", connections.size())
                .build();
    }
}
