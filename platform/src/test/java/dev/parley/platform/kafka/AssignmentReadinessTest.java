package dev.parley.platform.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class AssignmentReadinessTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private static final class Readiness extends AssignmentReadiness {
        Readiness() {
            super("test assignment");
        }
    }

    @Test
    void readyOnlyOnceEveryConsumerHoldsItsAssignment() {
        Readiness readiness = new Readiness();
        MockConsumer<String, String> a = new MockConsumer<>("earliest");
        MockConsumer<String, String> b = new MockConsumer<>("earliest");
        assertFalse(readiness.joined(), "no consumer has joined yet");

        readiness.onPartitionsAssigned(a, List.of(P0, P1));
        assertTrue(readiness.joined());
        readiness.onPartitionsRevoked(a, List.of(P0, P1));
        assertFalse(readiness.joined(), "between revocation and the next assignment nothing is read");
        readiness.onPartitionsAssigned(b, List.of(P1));
        assertFalse(readiness.joined(), "one consumer still rebalancing");
        readiness.onPartitionsAssigned(a, List.of());
        assertTrue(readiness.joined(), "a member without partitions is joined all the same");

        HealthCheckResponse response = readiness.call();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals(1L, response.getData().orElseThrow().get("partitions"));
        readiness.onPartitionsLost(b, List.of(P1));
        assertEquals(HealthCheckResponse.Status.DOWN, readiness.call().getStatus());
    }

    @Test
    void staticMembershipOnlyWithAStableName() {
        Map<String, Object> dynamic = ConsumerMembership.settings("delivery", Optional.empty(), Duration.ofSeconds(10));
        assertEquals("delivery", dynamic.get("group.id"));
        assertEquals(10_000, dynamic.get("session.timeout.ms"));
        assertFalse(dynamic.containsKey("group.instance.id"));
        assertFalse(ConsumerMembership.settings("delivery", Optional.of(" "), Duration.ofSeconds(10)).containsKey("group.instance.id"));
        Map<String, Object> fixed = ConsumerMembership.settings("delivery", Optional.of("delivery-consumer-7f9c"), Duration.ofSeconds(10));
        assertEquals("delivery-delivery-consumer-7f9c", fixed.get("group.instance.id"));
        assertTrue((int) fixed.get("heartbeat.interval.ms") * 3 <= 10_000, "three heartbeats per session at least");
    }
}
