package dev.parley.metrics.collector;

/** Lag of one consumer group on one partition: end offset − committed offset (earliest offset when nothing is committed). */
public record PartitionLag(String group, String topic, int partition, long endOffset, Long committedOffset, long lag) {
}
