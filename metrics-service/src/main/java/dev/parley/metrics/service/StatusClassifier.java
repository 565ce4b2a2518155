package dev.parley.metrics.service;

import dev.parley.metrics.collector.PoolReading;
import dev.parley.metrics.config.StatusConfig;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * healthy / warning / degraded from the thresholds in config; the worst signal wins. "unknown" until
 * the first scrape; an unreachable service is degraded. Error ratio and latency only count when
 * there was traffic: a quiet service is judged on what it does export (CPU, memory, pools).
 */
@Singleton
public class StatusClassifier {

    public static final String HEALTHY = "healthy";
    public static final String WARNING = "warning";
    public static final String DEGRADED = "degraded";
    public static final String UNKNOWN = "unknown";

    private final StatusConfig config;

    public StatusClassifier(StatusConfig config) {
        this.config = config;
    }

    public record Verdict(String status, List<String> reasons) {
    }

    public Verdict classify(boolean scraped, boolean reachable, Double errorRatio, Double p99Ms, Double cpu,
                            Double heapUsed, Double heapMax, List<PoolReading> pools) {
        if (!scraped) {
            return new Verdict(UNKNOWN, List.of("not scraped yet"));
        }
        if (!reachable) {
            return new Verdict(DEGRADED, List.of("unreachable"));
        }
        List<String> reasons = new ArrayList<>();
        int level = 0;
        level = Math.max(level, check(errorRatio, config.errorRatioWarning(), config.errorRatioDegraded(), "error ratio", reasons));
        level = Math.max(level, check(p99Ms, config.p99WarningMs(), config.p99DegradedMs(), "p99 ms", reasons));
        level = Math.max(level, check(cpu, config.cpuWarning(), config.cpuDegraded(), "cpu", reasons));
        Double heapRatio = heapUsed != null && heapMax != null && heapMax > 0 ? heapUsed / heapMax : null;
        level = Math.max(level, check(heapRatio, config.heapWarning(), config.heapDegraded(), "heap", reasons));
        for (PoolReading p : pools) {
            level = Math.max(level, check(p.saturation(), config.poolWarning(), config.poolDegraded(),
                    "pool " + p.name() + " saturation", reasons));
            if (p.waiting() > 0) {
                level = Math.max(level, 1);
                reasons.add("pool " + p.name() + ": " + (long) p.waiting() + " waiting");
            }
        }
        return new Verdict(level == 0 ? HEALTHY : level == 1 ? WARNING : DEGRADED, List.copyOf(reasons));
    }

    private static int check(Double value, double warning, double degraded, String what, List<String> reasons) {
        if (value == null || value.isNaN()) {
            return 0;
        }
        if (value >= degraded) {
            reasons.add(what + " " + round(value) + " >= " + degraded);
            return 2;
        }
        if (value >= warning) {
            reasons.add(what + " " + round(value) + " >= " + warning);
            return 1;
        }
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
