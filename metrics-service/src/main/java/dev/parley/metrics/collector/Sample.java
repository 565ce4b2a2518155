package dev.parley.metrics.collector;

import java.util.Map;

/** One sample line of a Prometheus text exposition: metric name, labels, value. */
public record Sample(String name, Map<String, String> labels, double value) {

    public String label(String key) {
        return labels.get(key);
    }
}
