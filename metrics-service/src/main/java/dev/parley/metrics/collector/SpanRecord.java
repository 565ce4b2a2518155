package dev.parley.metrics.collector;

/** One span as received over OTLP; ids in lowercase hex, times in Unix nanoseconds. */
public record SpanRecord(String traceId, String spanId, String parentSpanId, String service, String name,
                         int kind, long startNanos, long endNanos, boolean error) {
}
