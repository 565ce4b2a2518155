package dev.parley.metrics.slo;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * One service level objective: the share of good events that must hold over the period.
 * A latency objective counts a request as good when it finished within {@code latencyThresholdMs};
 * that threshold must be a histogram bucket boundary, otherwise the SLI would be interpolated.
 */
public record SloObjective(String name, String service, SliKind kind, double target, OptionalLong latencyThresholdMs) {

    public SloObjective {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(kind, "kind");
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("SLO " + name + ": target must be in (0, 1), was " + target);
        }
        if (kind == SliKind.LATENCY && latencyThresholdMs.isEmpty()) {
            throw new IllegalArgumentException("SLO " + name + ": a latency objective needs latency-threshold-ms");
        }
        if (kind == SliKind.AVAILABILITY && latencyThresholdMs.isPresent()) {
            throw new IllegalArgumentException("SLO " + name + ": latency-threshold-ms only applies to latency objectives");
        }
    }

    public static SloObjective availability(String name, String service, double target) {
        return new SloObjective(name, service, SliKind.AVAILABILITY, target, OptionalLong.empty());
    }

    public static SloObjective latency(String name, String service, double target, long thresholdMs) {
        return new SloObjective(name, service, SliKind.LATENCY, target, OptionalLong.of(thresholdMs));
    }

    /** The allowed share of bad events, 1 − target (0.001 for 99.9 %). */
    public double errorBudget() {
        return 1.0 - target;
    }
}
