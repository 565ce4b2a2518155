package dev.parley.persistence.health;

import dev.parley.platform.kafka.AssignmentReadiness;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the {@code sequenced} consumers hold their group assignment (not mid-rebalance). */
@Readiness
@ApplicationScoped
@Identifier(SequencedAssignment.NAME)
public class SequencedAssignment extends AssignmentReadiness {

    /** Named by {@code mp.messaging.incoming.sequenced.consumer-rebalance-listener.name}. */
    public static final String NAME = "persistence-sequenced-assignment";

    public SequencedAssignment() {
        super("persistence sequenced assignment");
    }
}
