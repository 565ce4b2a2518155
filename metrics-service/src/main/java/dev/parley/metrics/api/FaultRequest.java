package dev.parley.metrics.api;

/** Body of POST /api/faults. errorRate in (0,1], syntheticRps ≥ 0 (default 50), durationSeconds (default 60). */
public record FaultRequest(String service, Double errorRate, Double syntheticRps, Integer durationSeconds) {
}
