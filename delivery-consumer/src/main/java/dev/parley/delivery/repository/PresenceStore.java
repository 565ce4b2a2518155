package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.delivery.config.DeliveryConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.hash.ReactiveHashCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Which ws-service pods hold connections of which users: the hashes {@code presence:<user>} (device → pod). */
@ApplicationScoped
public class PresenceStore {

    private final RedisKeys keys;
    private final ReactiveHashCommands<String, String, String> hashes;
    private final int concurrency;

    public PresenceStore(ReactiveRedisDataSource redis, RedisKeys keys, DeliveryConfig config) {
        this.keys = keys;
        this.hashes = redis.hash(String.class);
        this.concurrency = config.presenceConcurrency();
    }

    /** pod → the given users with at least one connection on it; offline users appear nowhere. */
    public Uni<Map<String, Set<String>>> usersByPod(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Uni.createFrom().item(new TreeMap<>());
        }
        List<Uni<UserPods>> lookups = userIds.stream()
                .map(user -> hashes.hgetall(keys.presence(user)).map(devices -> new UserPods(user, devices)))
                .toList();
        return Uni.join().all(lookups).usingConcurrencyOf(concurrency).andFailFast().map(PresenceStore::group);
    }

    private static Map<String, Set<String>> group(List<UserPods> all) {
        Map<String, Set<String>> byPod = new TreeMap<>();
        for (UserPods user : all) {
            for (String pod : user.devices().values()) {
                byPod.computeIfAbsent(pod, p -> new TreeSet<>()).add(user.userId());
            }
        }
        return byPod;
    }

    private record UserPods(String userId, Map<String, String> devices) {
    }
}
