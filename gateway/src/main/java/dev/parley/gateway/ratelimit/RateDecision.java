package dev.parley.gateway.ratelimit;

/** The outcome of one token-bucket check. */
public record RateDecision(boolean allowed, int limit, long remaining, long retryAfterMillis) {

    /** Whole seconds for {@code Retry-After} (at least 1 when refused). */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterMillis + 999) / 1000);
    }
}
