package dev.parley.platform.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Gives the fleet's timers fixed SLO buckets (see {@link SloMetricsConfig}) instead of percentiles
 * computed in each JVM: buckets aggregate across replicas and into error budgets, percentiles don't.
 */
@Singleton
public class SloHistogramFilter implements MeterFilter {

    private final SloMetricsConfig config;
    private final double[] bucketsNanos;

    public SloHistogramFilter(SloMetricsConfig config) {
        this.config = config;
        this.bucketsNanos = config.sloBucketsMs().stream()
                .mapToDouble(ms -> (double) Duration.ofMillis(ms).toNanos())
                .sorted()
                .toArray();
    }

    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig base) {
        if (id.getType() != Meter.Type.TIMER || !matches(id.getName())) {
            return base;
        }
        return DistributionStatisticConfig.builder()
                .serviceLevelObjectives(bucketsNanos)
                .build()
                .merge(base);
    }

    private boolean matches(String name) {
        return config.histogramMeters().stream().anyMatch(name::startsWith);
    }
}
