package dev.parley.metrics.collector;

import java.util.List;
import java.util.NavigableMap;

/**
 * What one scrape of one service yields, reduced to the figures metrics-service works with. The
 * counters are cumulative as exported (they restart from 0 when the service restarts).
 *
 * @param requests     http_server_requests_seconds_count summed over all label sets
 * @param errors       the same, for status 5xx
 * @param buckets      cumulative bucket counts by upper bound in seconds (+Inf included), summed
 * @param cpu          process_cpu_usage (0..1 of the machine), NaN when absent
 * @param heapUsed     jvm_memory_used_bytes{area="heap"} summed
 * @param heapMax      jvm_memory_max_bytes{area="heap"} summed over pools reporting a limit
 * @param nonHeapUsed  jvm_memory_used_bytes{area="nonheap"} summed
 * @param work         HTTP requests plus the configured work counters (Kafka records, WebSocket frames)
 * @param workFailures HTTP 5xx plus the configured failure counters (dead letters, dropped clients)
 */
public record ServiceSample(
        long epochMillis,
        double requests,
        double errors,
        NavigableMap<Double, Double> buckets,
        double cpu,
        double heapUsed,
        double heapMax,
        double nonHeapUsed,
        List<PoolReading> pools,
        double work,
        double workFailures) {

    /** Cumulative count of requests that finished within {@code seconds} (exact only on a bucket bound). */
    public double countWithin(double seconds) {
        Double exact = buckets.get(seconds);
        if (exact != null) {
            return exact;
        }
        var floor = buckets.floorEntry(seconds);
        return floor == null ? 0 : floor.getValue();
    }
}
