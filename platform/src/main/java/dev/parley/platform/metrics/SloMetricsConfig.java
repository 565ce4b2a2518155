package dev.parley.platform.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/**
 * Histogram buckets for request durations. A latency SLO ("99 % under 300 ms") is only exact when
 * a bucket boundary sits at its threshold, so the SLO thresholds are listed here explicitly.
 */
@ConfigMapping(prefix = "parley.metrics")
public interface SloMetricsConfig {

    /** Bucket boundaries in milliseconds, added to every timer named in {@link #histogramMeters()}. */
    @WithDefault("5,10,25,50,100,200,300,500,1000,2500,5000")
    List<Long> sloBucketsMs();

    /** Meter name prefixes that get SLO buckets (HTTP server, WebSocket and messaging timers). */
    @WithDefault("http.server.requests,parley.")
    List<String> histogramMeters();
}
