package dev.parley.platform.kafka;

import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Readiness of a consumer service that follows its group assignment: a consumer that has not joined
 * its group yet, or is between a revocation and the end of the rebalance, reads nothing, so the
 * service is not ready although its connections are up. A member without partitions (more members
 * than partitions) is joined all the same. A service names a subclass as its channel's
 * {@code consumer-rebalance-listener.name} and marks it {@code @Readiness}.
 */
public abstract class AssignmentReadiness implements KafkaConsumerRebalanceListener, HealthCheck {

    private record Member(Set<TopicPartition> partitions, boolean rebalancing) {
    }

    private final String name;
    /** Per consumer: a channel with concurrency n has n. */
    private final Map<Consumer<?, ?>, Member> members = new ConcurrentHashMap<>();

    protected AssignmentReadiness(String name) {
        this.name = name;
    }

    /** Every rebalance ends with this call, with the partitions added (possibly none). */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> added) {
        update(consumer, added, false);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> removed) {
        update(consumer, removed, true);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> lost) {
        update(consumer, lost, true);
    }

    private void update(Consumer<?, ?> consumer, Collection<TopicPartition> changed, boolean removing) {
        members.compute(consumer, (c, m) -> {
            Set<TopicPartition> held = m == null ? ConcurrentHashMap.newKeySet() : m.partitions();
            if (removing) {
                held.removeAll(changed);
            } else {
                held.addAll(changed);
            }
            return new Member(held, removing);
        });
    }

    public boolean joined() {
        return !members.isEmpty() && members.values().stream().noneMatch(Member::rebalancing);
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(name).status(joined())
                .withData("partitions", members.values().stream().mapToInt(m -> m.partitions().size()).sum())
                .build();
    }
}
