package dev.parley.metrics.service;

import dev.parley.metrics.collector.ServiceSample;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** RED figures between two cumulative samples; a counter that went down means the service restarted. */
public final class Red {

    private Red() {
    }

    /** Increase of a counter, Prometheus-style: after a reset the new value is the increase. */
    public static double increase(double before, double after) {
        return after >= before ? after - before : after;
    }

    public static boolean reset(ServiceSample before, ServiceSample after) {
        return after.requests() < before.requests();
    }

    /** Per-bucket increases (cumulative by upper bound) between two samples. */
    public static NavigableMap<Double, Double> bucketIncrease(ServiceSample before, ServiceSample after) {
        boolean reset = reset(before, after);
        TreeMap<Double, Double> out = new TreeMap<>();
        for (Map.Entry<Double, Double> e : after.buckets().entrySet()) {
            double prev = reset ? 0 : before.buckets().getOrDefault(e.getKey(), 0.0);
            out.put(e.getKey(), Math.max(0, e.getValue() - prev));
        }
        return out;
    }

    /**
     * The q-quantile in seconds from cumulative bucket counts, interpolated linearly inside the
     * bucket like PromQL's histogram_quantile; NaN without observations. A quantile in the +Inf
     * bucket is reported as the highest finite bound.
     */
    public static double quantile(double q, NavigableMap<Double, Double> cumulative) {
        if (cumulative.isEmpty()) {
            return Double.NaN;
        }
        double total = cumulative.lastEntry().getValue();
        if (!(total > 0)) {
            return Double.NaN;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            double bound = e.getKey();
            double count = e.getValue();
            if (count >= rank) {
                if (Double.isInfinite(bound)) {
                    return lowerBound;
                }
                double inBucket = count - lowerCount;
                return inBucket <= 0 ? bound : lowerBound + (bound - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bound;
            lowerCount = count;
        }
        return lowerBound;
    }
}
