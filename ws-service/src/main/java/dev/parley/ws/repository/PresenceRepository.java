package dev.parley.ws.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.ws.config.PodIdentity;
import dev.parley.ws.config.WsConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Presence (user → device → pod, expiring unless refreshed) and this pod's entry in the pod
 * registry that the gateway routes by.
 */
@Singleton
public class PresenceRepository {

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final PodIdentity pod;
    private final WsConfig config;

    public PresenceRepository(ReactiveRedisDataSource redis, RedisKeys keys, PodIdentity pod, WsConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.pod = pod;
        this.config = config;
    }

    public Uni<Void> connect(String userId, String deviceId) {
        String key = keys.presence(userId);
        return redis.hash(String.class).hset(key, deviceId, pod.podId())
                .chain(() -> redis.key().pexpire(key, config.presenceTtl()))
                .replaceWithVoid();
    }

    public Uni<Void> disconnect(String userId, String deviceId) {
        return redis.hash(String.class).hdel(keys.presence(userId), deviceId).replaceWithVoid();
    }

    /** Refreshes the presence of every user with a connection here, a bounded number at a time. */
    public Uni<Void> refresh(Collection<String> userIds) {
        return Multi.createFrom().iterable(List.copyOf(userIds))
                .onItem().transformToUni(u -> redis.key().pexpire(keys.presence(u), config.presenceTtl()))
                .merge(32)
                .collect().last()
                .replaceWithVoid();
    }

    /** Pod id → user ids among {@code userIds} with at least one device on that pod. */
    public Uni<Map<String, List<String>>> podsOf(Set<String> userIds) {
        return Multi.createFrom().iterable(userIds)
                .onItem().transformToUni(u -> redis.hash(String.class).hgetall(keys.presence(u))
                        .map(devices -> Map.entry(u, Set.copyOf(devices.values()))))
                .merge(32)
                .collect().in(HashMap<String, List<String>>::new, (acc, e) -> e.getValue().forEach(p ->
                        acc.computeIfAbsent(p, x -> new java.util.ArrayList<>()).add(e.getKey())));
    }

    public Uni<Void> heartbeat(long nowMillis) {
        return redis.sortedSet(String.class).zadd(keys.podRegistry(), nowMillis, pod.podId())
                .chain(() -> redis.hash(String.class).hset(keys.podAddresses(), pod.podId(), pod.advertisedUrl()))
                .replaceWithVoid();
    }

    public Uni<Void> unregister() {
        return redis.sortedSet(String.class).zrem(keys.podRegistry(), pod.podId())
                .chain(() -> redis.hash(String.class).hdel(keys.podAddresses(), pod.podId()))
                .replaceWithVoid();
    }

    public Uni<Void> publish(String podId, String payload) {
        return redis.pubsub(String.class).publish(keys.podChannel(podId), payload);
    }
}
