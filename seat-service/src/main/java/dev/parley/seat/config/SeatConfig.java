package dev.parley.seat.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Tunables of seat-service (prefix {@code parley.seat}). */
@ConfigMapping(prefix = "parley.seat")
public interface SeatConfig {

    /** How long a hold keeps its seat unless the cohort asks for another TTL. */
    @WithDefault("120s")
    Duration holdTtl();

    /** Period of the expired-hold sweeper (over each cohort's sorted set of expiry times). */
    @WithDefault("100ms")
    Duration sweepInterval();

    /** How long a cohort whose sweep failed is skipped before it is tried again. */
    @WithDefault("60s")
    Duration sweepSkip();

    /** Holds ended per cohort per sweep at most (one Lua call). */
    @WithDefault("64")
    int sweepBatch();

    /** PostgreSQL-side sweep: expires holds Redis no longer knows about (after a Redis loss). */
    @WithDefault("1s")
    Duration dbSweepInterval();

    /** Grace before the PostgreSQL sweep takes over a hold Redis should have expired. */
    @WithDefault("2s")
    Duration dbSweepGrace();

    /** How long an idempotency key is remembered. */
    @WithDefault("24h")
    Duration idempotencyTtl();

    RateLimit rateLimit();

    Live live();

    Analytics analytics();

    interface RateLimit {
        /** Bucket size: the burst a user may send. */
        @WithDefault("20")
        int capacity();

        /** Tokens added per second. */
        @WithDefault("10")
        double refillPerSecond();
    }

    interface Live {
        /** Events kept per cohort for SSE / WebSocket resume. */
        @WithDefault("1000")
        int logLength();

        /** Period of countdown ticks and queue-position pushes. */
        @WithDefault("1s")
        Duration tickInterval();

        /** Outbound frames buffered per connection before it is cut off. */
        @WithDefault("256")
        int connectionBuffer();
    }

    interface Analytics {
        /** Zone in which days, ISO weeks (Monday) and months start. */
        @WithDefault("UTC")
        String zone();

        /** |z| at or above which a bucket is flagged as an anomaly. */
        @WithDefault("2.0")
        double anomalyZ();
    }
}
