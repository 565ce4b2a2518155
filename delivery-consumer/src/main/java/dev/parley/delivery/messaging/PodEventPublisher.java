package dev.parley.delivery.messaging;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.json.Json;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** PUBLISHes a {@link PodEvent} on one ws-service pod's channel {@code deliver:<pod>}. */
@ApplicationScoped
public class PodEventPublisher {

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    public PodEventPublisher(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Uni<Void> publish(String podId, PodEvent event) {
        return redis.execute("PUBLISH", keys.podChannel(podId), Json.write(event)).replaceWithVoid();
    }
}
