package dev.parley.metrics.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RedTest {

    @Test
    void quantileInterpolatesInsideTheBucketLikeHistogramQuantile() {
        TreeMap<Double, Double> b = new TreeMap<>();
        b.put(0.1, 50.0);
        b.put(0.3, 90.0);
        b.put(1.0, 100.0);
        b.put(Double.POSITIVE_INFINITY, 100.0);
        // rank 50 → exactly the top of the first bucket
        assertEquals(0.1, Red.quantile(0.5, b), 1e-12);
        // rank 70 → halfway through (0.1, 0.3]
        assertEquals(0.2, Red.quantile(0.7, b), 1e-12);
        // rank 95 → halfway through (0.3, 1.0]
        assertEquals(0.65, Red.quantile(0.95, b), 1e-12);
    }

    @Test
    void quantileInTheInfBucketIsTheHighestFiniteBoundAndEmptyIsNaN() {
        TreeMap<Double, Double> b = new TreeMap<>();
        b.put(0.1, 1.0);
        b.put(Double.POSITIVE_INFINITY, 10.0);
        assertEquals(0.1, Red.quantile(0.99, b), 1e-12);
        assertTrue(Double.isNaN(Red.quantile(0.5, new TreeMap<>())));
        TreeMap<Double, Double> none = new TreeMap<>();
        none.put(Double.POSITIVE_INFINITY, 0.0);
        assertTrue(Double.isNaN(Red.quantile(0.5, none)));
    }

    @Test
    void counterResetCountsTheNewValueAsTheIncrease() {
        assertEquals(5, Red.increase(10, 15));
        assertEquals(3, Red.increase(10, 3));
    }
}
