package dev.parley.metrics.config;

import dev.parley.metrics.slo.SliKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Service level objectives, e.g.
 * <pre>
 * parley.slo.objectives.gateway-availability.service=gateway
 * parley.slo.objectives.gateway-availability.target=0.999
 * parley.slo.objectives.gateway-latency.kind=latency
 * parley.slo.objectives.gateway-latency.latency-threshold-ms=300
 * </pre>
 * The same objectives drive the in-service engine and the generated Prometheus rules.
 */
@ConfigMapping(prefix = "parley.slo")
public interface SloConfig {

    /** The error-budget period. */
    @WithDefault("30d")
    Duration period();

    /** Slot size of the burn-rate windows; the scrape interval should not be longer. */
    @WithDefault("10s")
    Duration resolution();

    /**
     * Events an alert's short window must hold before its burn rate may page or ticket: below it, a
     * handful of requests (the first, JIT-slow ones of a fresh JVM) would decide. 0 = off.
     */
    @WithDefault("100")
    long minEvents();

    Map<String, Objective> objectives();

    interface Objective {
        String service();

        @WithDefault("availability")
        SliKind kind();

        @WithDefault("0.999")
        double target();

        /** Latency objectives only; must equal one of parley.metrics.slo-buckets-ms. */
        OptionalLong latencyThresholdMs();
    }
}
