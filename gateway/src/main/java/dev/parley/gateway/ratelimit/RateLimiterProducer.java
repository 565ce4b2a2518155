package dev.parley.gateway.ratelimit;

import dev.parley.contracts.RedisKeys;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

public class RateLimiterProducer {

    @Produces
    @Singleton
    RedisRateLimiter rateLimiter(Redis redis, RedisKeys keys) {
        return new RedisRateLimiter(redis, keys);
    }
}
