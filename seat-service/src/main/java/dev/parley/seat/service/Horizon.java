package dev.parley.seat.service;

import java.time.Duration;
import java.time.Instant;

/**
 * The range of times a cohort may carry, relative to the server clock. Outside it a value is
 * refused at the edge (400), because every store must hold it exactly: PostgreSQL timestamptz,
 * epoch milliseconds in a Java long, and a Lua number (a double, exact to 2^53) in the scripts.
 */
public final class Horizon {

    /** The latest deadline (and opening time) accepted: about ten years ahead. */
    public static final Duration MAX_AHEAD = Duration.ofDays(3653);

    /** The earliest opening time accepted: one day back (a cohort that "opened" a little earlier). */
    public static final Duration MAX_BEHIND = Duration.ofDays(1);

    /** The most one extend may add. */
    public static final long MAX_EXTEND_MS = MAX_AHEAD.toMillis();

    private Horizon() {
    }

    public static Instant latest(Instant now) {
        return now.plus(MAX_AHEAD);
    }

    public static Instant earliest(Instant now) {
        return now.minus(MAX_BEHIND);
    }
}
