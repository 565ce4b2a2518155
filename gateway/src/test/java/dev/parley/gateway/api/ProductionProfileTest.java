package dev.parley.gateway.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.support.FakePersistence;
import dev.parley.gateway.support.Tokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Production settings: no dev login; a small concurrency limit sheds the excess with 503. */
@QuarkusTest
@TestProfile(ProductionProfileTest.Production.class)
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
class ProductionProfileTest {

    public static class Production implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // forwarding on, as behind the ingress, but the test's loopback address is no trusted proxy
            return Map.of("parley.gateway.dev-login.enabled", "false",
                    "parley.gateway.max-concurrent-requests", "2",
                    "quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "10.244.0.0/16");
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;

    @Test
    void forwardedHeadersFromAPeerThatIsNoTrustedProxyAreIgnored() {
        given().header("X-Forwarded-For", "203.0.113.66").header("Forwarded", "for=203.0.113.67")
                .header("Authorization", Tokens.bearer("fwd-user")).get("/api/conversations/fwd-none")
                .then().statusCode(org.hamcrest.Matchers.lessThan(500));
        assertEquals(false, redis.key().exists(keys.rateLimit("ip", "203.0.113.66")), "no bucket for an address the client picked");
        assertEquals(false, redis.key().exists(keys.rateLimit("ip", "203.0.113.67")), "nor from Forwarded");
        assertEquals(true, redis.key().exists(keys.rateLimit("ip", "127.0.0.1")), "counted by its real address");
    }

    @Test
    void devLoginIsOff() {
        given().contentType("application/json").body("{\"user\":\"alice\"}")
                .when().post("/api/auth/dev-login")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void requestsBeyondTheConcurrencyLimitAreShedNotQueued() throws Exception {
        int n = 10;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String path = "/api/conversations/slow-shed-" + i; // distinct: nothing is coalesced
            String auth = Tokens.bearer("user" + i);
            results.add(pool.submit(() -> {
                go.await();
                return given().header("Authorization", auth).when().get(path).statusCode();
            }));
        }
        go.countDown();
        int ok = 0;
        int shed = 0;
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : results) {
            int status = f.get();
            statuses.add(status);
            if (status == 200) {
                ok++;
            } else if (status == 503) {
                shed++;
            }
        }
        pool.shutdown();
        assertEquals(n, ok + shed, "statuses " + statuses);
        assertTrue(ok >= 1 && shed >= 1, "ok " + ok + ", shed " + shed);
        int downstream = FakePersistence.CALLS.entrySet().stream().filter(e -> e.getKey().contains("slow-shed"))
                .mapToInt(e -> e.getValue().get()).sum();
        assertEquals(ok, downstream, "shed requests never reached the downstream");
    }
}
