package dev.parley.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Thresholds of the healthy / warning / degraded status of a service. */
@ConfigMapping(prefix = "parley.status")
public interface StatusConfig {

    @WithDefault("0.01")
    double errorRatioWarning();

    @WithDefault("0.05")
    double errorRatioDegraded();

    @WithDefault("500")
    double p99WarningMs();

    @WithDefault("1000")
    double p99DegradedMs();

    @WithDefault("0.80")
    double cpuWarning();

    @WithDefault("0.95")
    double cpuDegraded();

    @WithDefault("0.85")
    double heapWarning();

    @WithDefault("0.95")
    double heapDegraded();

    @WithDefault("0.70")
    double poolWarning();

    @WithDefault("0.90")
    double poolDegraded();
}
