package dev.parley.gateway.routing;

import dev.parley.contracts.RedisKeys;
import dev.parley.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The live ws-service pods, read from the registry ws-service writes (zset pod → last heartbeat,
 * hash pod → address) once per refresh interval, and the ring over them. Liveness is checked again
 * at routing time against the clock, so a pod whose heartbeat expired between two refreshes
 * already receives nobody.
 */
@ApplicationScoped
public class PodDirectory {

    private static final Logger LOG = Logger.getLogger(PodDirectory.class);

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final GatewayConfig.Routing config;
    private final Vertx vertx;
    private final LongSupplier clock;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), new HashRing(List.of(), 1));
    private long timer = -1;

    @Inject
    public PodDirectory(ReactiveRedisDataSource redis, RedisKeys keys, GatewayConfig config, Vertx vertx) {
        this(redis, keys, config.routing(), vertx, System::currentTimeMillis);
    }

    PodDirectory(ReactiveRedisDataSource redis, RedisKeys keys, GatewayConfig.Routing config, Vertx vertx, LongSupplier clock) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.vertx = vertx;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(0, config.refreshInterval().toMillis(), id -> refresh().subscribe().with(
                ignored -> { }, f -> LOG.warnf("pod registry refresh failed: %s", f.toString())));
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reads the registry now; the ring is rebuilt only when the set of live pods changed. */
    public Uni<Void> refresh() {
        long minScore = clock.getAsLong() - config.heartbeatTtl().toMillis();
        return redis.sortedSet(String.class)
                .zrangebyscoreWithScores(keys.podRegistry(), new ScoreRange<>((double) minScore, Double.POSITIVE_INFINITY))
                .chain(scored -> redis.hash(String.class).hgetall(keys.podAddresses()).map(addresses -> {
                    Map<String, Long> heartbeats = scored.stream()
                            .filter(s -> addresses.containsKey(s.value()))
                            .collect(Collectors.toMap(ScoredValue::value, s -> (long) s.score()));
                    update(heartbeats, addresses);
                    return null;
                }))
                .replaceWithVoid();
    }

    private void update(Map<String, Long> heartbeats, Map<String, String> addresses) {
        Snapshot current = snapshot;
        HashRing ring = current.ring.pods().equals(heartbeats.keySet())
                ? current.ring : new HashRing(heartbeats.keySet(), config.virtualNodes());
        snapshot = new Snapshot(Map.copyOf(heartbeats), Map.copyOf(addresses), ring);
    }

    /** The pod for this user among the pods live right now, if any. */
    public Optional<PodRoute> route(String userId) {
        Snapshot s = snapshot;
        long minHeartbeat = clock.getAsLong() - config.heartbeatTtl().toMillis();
        HashRing ring = s.ring;
        boolean allLive = s.heartbeats.values().stream().allMatch(hb -> hb >= minHeartbeat);
        if (!allLive) {
            // Rare: a pod expired since the last refresh. Route over the still-live ones only.
            ring = new HashRing(s.heartbeats.entrySet().stream().filter(e -> e.getValue() >= minHeartbeat)
                    .map(Map.Entry::getKey).toList(), config.virtualNodes());
        }
        return ring.podFor(userId).map(pod -> new PodRoute(pod, s.addresses.get(pod) + "/ws/chat"));
    }

    /** Pods live as of the last refresh. */
    public int livePods() {
        return snapshot.heartbeats.size();
    }

    private record Snapshot(Map<String, Long> heartbeats, Map<String, String> addresses, HashRing ring) {
    }
}
