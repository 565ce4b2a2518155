package dev.parley.persistence.service;

/** One record read from the sequenced topic, as the bytes the producer wrote (kept for the DLQ). */
public record IncomingRecord(String topic, int partition, long offset, String key, byte[] value) {
}
