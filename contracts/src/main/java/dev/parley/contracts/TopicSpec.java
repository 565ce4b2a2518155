package dev.parley.contracts;

/**
 * A Kafka topic the fleet uses, with the partition count it is created with. The partition count
 * bounds how far the consumer groups reading it can scale out (KEDA's maxReplicaCount follows it).
 */
public record TopicSpec(String name, int partitions, String purpose) {

    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name is required");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
    }

    /** The same topic under a prefix; tests use a prefix per test class so they never share a topic. */
    public TopicSpec withPrefix(String prefix) {
        return prefix == null || prefix.isEmpty() ? this : new TopicSpec(prefix + name, partitions, purpose);
    }
}
