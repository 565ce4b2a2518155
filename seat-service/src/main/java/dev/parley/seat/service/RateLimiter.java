package dev.parley.seat.service;

import dev.parley.contracts.RedisKeys;
import dev.parley.seat.config.SeatConfig;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;

/** Per-user token bucket in Redis (shared by every replica); a refusal carries the wait. */
@Singleton
public class RateLimiter {

    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final SeatConfig config;

    public RateLimiter(LuaScripts scripts, RedisKeys keys, SeatConfig config) {
        this.scripts = scripts;
        this.keys = keys;
        this.config = config;
    }

    /** Takes one token or fails with 429 and the milliseconds to wait. */
    public Uni<Void> take(String user) {
        SeatConfig.RateLimit rl = config.rateLimit();
        return scripts.run(LuaScripts.Script.RATELIMIT, List.of(keys.rateLimit("seat", user)),
                        List.of(String.valueOf(rl.capacity()), String.valueOf(rl.refillPerSecond()), "1"))
                .map(r -> {
                    if (r.get(0).toInteger() == 1) {
                        return null;
                    }
                    long waitMs = r.get(2).toLong();
                    throw new SeatException(429, "rate-limited", "Too many requests",
                            "slow down: the next request is allowed in " + waitMs + " ms", java.util.Map.of("retryAfterMs", waitMs));
                });
    }
}
