package dev.parley.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The ring over the registry ws-service writes in Redis: dead pods receive nobody. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
class PodDirectoryTest {

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    GatewayConfig config;
    @Inject
    Vertx vertx;

    private void heartbeat(String pod, long at) {
        redis.sortedSet(String.class).zadd(keys.podRegistry(), at, pod)
                .chain(() -> redis.hash(String.class).hset(keys.podAddresses(), pod, "ws://" + pod + ":8081"))
                .await().atMost(Duration.ofSeconds(5));
    }

    private Map<String, Integer> routeAll(PodDirectory dir, int users) {
        Map<String, Integer> load = new HashMap<>();
        IntStream.range(0, users).forEach(i -> load.merge(dir.route("u" + i).orElseThrow().pod(), 1, Integer::sum));
        return load;
    }

    @Test
    void expiredHeartbeatsReceiveNobodyEvenBeforeTheNextRefresh() {
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        PodDirectory dir = new PodDirectory(redis, keys, config.routing(), vertx, clock::get);
        long ttl = config.routing().heartbeatTtl().toMillis();
        heartbeat("p1", clock.get());
        heartbeat("p2", clock.get());
        heartbeat("p3", clock.get() - 3_000);
        heartbeat("p-old", clock.get() - ttl - 1);   // already expired
        dir.refresh().await().atMost(Duration.ofSeconds(5));
        Map<String, Integer> load = routeAll(dir, 3000);
        assertEquals(3, load.size(), "load " + load);
        assertFalse(load.containsKey("p-old"));

        // p3's heartbeat passes the TTL; no refresh has run yet
        clock.addAndGet(ttl - 2_999);
        Map<String, Integer> after = routeAll(dir, 3000);
        assertEquals(Map.of("p1", after.get("p1"), "p2", after.get("p2")), after, "p3 receives nobody: " + after);
        // users of the live pods stayed where they were
        IntStream.range(0, 3000).forEach(i -> {
            String u = "u" + i;
            String p = dir.route(u).orElseThrow().pod();
            assertTrue(p.equals("p1") || p.equals("p2"));
        });

        // p3 beats again and comes back with its share
        heartbeat("p3", clock.get());
        dir.refresh().await().atMost(Duration.ofSeconds(5));
        assertEquals(3, routeAll(dir, 3000).size());
    }

    @Test
    void noLivePodMeansNoRoute() {
        PodDirectory dir = new PodDirectory(redis, new RedisKeys(keys.prefix() + "empty:"), config.routing(), vertx,
                System::currentTimeMillis);
        dir.refresh().await().atMost(Duration.ofSeconds(5));
        assertTrue(dir.route("alice").isEmpty());
    }
}
