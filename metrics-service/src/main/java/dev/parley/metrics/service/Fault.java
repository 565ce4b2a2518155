package dev.parley.metrics.service;

import java.time.Instant;

/** A synthetic fault on one service's observed series: a share of errors and extra synthetic requests until a time. */
public record Fault(String service, double errorRate, double syntheticRps, Instant until) {
}
