package dev.parley.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.RedisKeyspace;
import dev.parley.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two limiters with two separate Redis clients — as two gateway replicas would have — share
 * buckets through Redis: under concurrency exactly {@code capacity} requests pass, across both.
 */
class RedisRateLimiterTest {

    private static Vertx vertx;
    private static Redis clientA;
    private static Redis clientB;
    private static String prefix;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        clientA = Redis.createClient(vertx, options());
        clientB = Redis.createClient(vertx, options());
        prefix = "rl" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    private static RedisOptions options() {
        return new RedisOptions().setConnectionString(RedisKeyspace.url()).setMaxPoolSize(8).setMaxPoolWaiting(1024);
    }

    @AfterAll
    static void stop() {
        clientA.close();
        clientB.close();
        vertx.closeAndAwait();
        RedisKeyspace.deleteByPrefix(prefix);
    }

    private static GatewayConfig.Bucket bucket(int capacity, double perSecond) {
        return new GatewayConfig.Bucket() {
            public int capacity() {
                return capacity;
            }

            public double refillPerSecond() {
                return perSecond;
            }
        };
    }

    @Test
    void exactlyCapacityPassesAcrossTwoReplicasUnderConcurrency() {
        RedisKeys keys = new RedisKeys(prefix);
        RedisRateLimiter a = new RedisRateLimiter(clientA, keys);
        RedisRateLimiter b = new RedisRateLimiter(clientB, keys);
        var bucket = bucket(50, 0.001); // one token per 1000 s: no refill during the test
        List<RateDecision> decisions = Multi.createFrom().range(0, 400)
                .onItem().transformToUni(i -> (i % 2 == 0 ? a : b).acquire("user", "carol", bucket))
                .merge(64)
                .collect().asList()
                .await().atMost(Duration.ofSeconds(30));
        assertEquals(400, decisions.size());
        assertEquals(50, decisions.stream().filter(RateDecision::allowed).count());
        assertEquals(50, decisions.stream().filter(RateDecision::allowed).map(RateDecision::remaining).distinct().count(),
                "every granted request saw a different remaining count (no double spend)");
        decisions.stream().filter(d -> !d.allowed()).forEach(d -> {
            assertEquals(0, d.remaining());
            assertTrue(d.retryAfterMillis() > 0);
        });
        // another subject has its own bucket
        assertTrue(a.acquire("user", "dave", bucket).await().indefinitely().allowed());
        assertTrue(b.acquire("ip", "carol", bucket).await().indefinitely().allowed());
    }

    @Test
    void bucketRefillsAtTheConfiguredRate() throws InterruptedException {
        RedisRateLimiter a = new RedisRateLimiter(clientA, new RedisKeys(prefix));
        var bucket = bucket(2, 10); // a token per 100 ms
        assertTrue(a.acquire("user", "erin", bucket).await().indefinitely().allowed());
        assertTrue(a.acquire("user", "erin", bucket).await().indefinitely().allowed());
        RateDecision refused = a.acquire("user", "erin", bucket).await().indefinitely();
        assertFalse(refused.allowed());
        assertTrue(refused.retryAfterMillis() > 0 && refused.retryAfterMillis() <= 100, "wait " + refused.retryAfterMillis());
        Thread.sleep(250);
        assertTrue(a.acquire("user", "erin", bucket).await().indefinitely().allowed());
    }
}
