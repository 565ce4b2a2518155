package dev.parley.metrics.service;

import dev.parley.metrics.collector.PoolReading;
import java.util.List;

/**
 * RED, resources and status of one service over the RED window. Rates and percentiles are null
 * when they cannot be computed (fewer than two samples, or no requests for percentiles). Work is
 * HTTP requests plus the non-HTTP work a service does (Kafka records, WebSocket frames), its
 * failure ratio counts 5xx plus dead letters and dropped clients.
 */
public record ServiceView(
        String service,
        String target,
        String status,
        List<String> reasons,
        boolean reachable,
        String lastError,
        Long lastScrapeEpochMillis,
        Double windowSeconds,
        Double requestsPerSecond,
        Double errorRatio,
        Double p50Ms,
        Double p95Ms,
        Double p99Ms,
        Double workPerSecond,
        Double workFailureRatio,
        Double cpu,
        Double heapUsedBytes,
        Double heapMaxBytes,
        Double nonHeapUsedBytes,
        List<PoolReading> pools,
        boolean faultActive) {
}
