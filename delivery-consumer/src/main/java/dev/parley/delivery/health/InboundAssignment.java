package dev.parley.delivery.health;

import dev.parley.platform.kafka.AssignmentReadiness;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the {@code inbound} consumers hold their group assignment (not mid-rebalance). */
@Readiness
@ApplicationScoped
@Identifier(InboundAssignment.NAME)
public class InboundAssignment extends AssignmentReadiness {

    /** Named by {@code mp.messaging.incoming.inbound.consumer-rebalance-listener.name}. */
    public static final String NAME = "delivery-inbound-assignment";

    public InboundAssignment() {
        super("delivery inbound assignment");
    }
}
