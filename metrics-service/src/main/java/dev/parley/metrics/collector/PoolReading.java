package dev.parley.metrics.collector;

/**
 * One reactive connection pool as a service exports it (Quarkus Vert.x pool metrics:
 * {@code <type>_pool_active}, {@code _idle}, {@code _queue_size}, {@code _ratio}).
 * {@code max} is active + idle: Quarkus exports idle as the free slots of the configured maximum.
 */
public record PoolReading(String type, String name, double active, double idle, double waiting, double max) {

    /** active / max, or 0 for an empty pool. */
    public double saturation() {
        return max > 0 ? active / max : 0;
    }
}
