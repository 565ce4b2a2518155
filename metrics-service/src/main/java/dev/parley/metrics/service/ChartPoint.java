package dev.parley.metrics.service;

/** One point of a service's rolling chart series (kept in a bounded ring). */
public record ChartPoint(long t, Double rps, Double errorRatio, Double p99Ms, Double cpu, Double heapUsedBytes) {
}
