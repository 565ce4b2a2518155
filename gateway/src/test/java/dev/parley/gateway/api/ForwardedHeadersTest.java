package dev.parley.gateway.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.support.FakePersistence;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forwarded client addresses from a trusted proxy (here the test itself, on loopback, plays the
 * ingress): each client is counted in its own per-IP bucket. {@link ProductionProfileTest} shows
 * the same headers ignored from a peer that is not a trusted proxy.
 */
@QuarkusTest
@TestProfile(ForwardedHeadersTest.BehindTrustedProxy.class)
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
class ForwardedHeadersTest {

    public static class BehindTrustedProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.proxy-address-forwarding", "true",
                    "quarkus.http.proxy.allow-x-forwarded", "true",
                    "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;

    @Test
    void theClientAddressComesFromTheTrustedProxysHeader() {
        given().header("X-Forwarded-For", "203.0.113.7").contentType("application/json").body("{\"user\":\"fwd-a\"}")
                .post("/api/auth/dev-login").then().statusCode(200);
        given().header("X-Forwarded-For", "198.51.100.9").contentType("application/json").body("{\"user\":\"fwd-b\"}")
                .post("/api/auth/dev-login").then().statusCode(200);
        assertEquals(true, redis.key().exists(keys.rateLimit("ip", "203.0.113.7")), "the first client's own bucket");
        assertEquals(true, redis.key().exists(keys.rateLimit("ip", "198.51.100.9")), "the second client's own bucket");
    }
}
