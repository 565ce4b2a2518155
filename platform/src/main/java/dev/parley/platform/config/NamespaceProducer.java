package dev.parley.platform.config;

import dev.parley.contracts.RedisKeys;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the Redis key schema, bound to this service's prefix, injectable. */
public class NamespaceProducer {

    @Produces
    @Singleton
    RedisKeys redisKeys(RedisNamespace namespace) {
        return new RedisKeys(namespace.keyPrefix());
    }
}
