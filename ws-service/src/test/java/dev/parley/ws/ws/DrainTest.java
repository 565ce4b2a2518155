package dev.parley.ws.ws;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.Roles;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.devinfra.test.ChatClient;
import dev.parley.devinfra.test.ChatPostgresTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.ws.config.PodIdentity;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The drain (on an operator's request, as on SIGTERM): out of the registry, clients told to reconnect, connections closed, not ready. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ChatPostgresTestResource.class, restrictToAnnotatedClass = true)
class DrainTest {

    @TestHTTPResource("/")
    URL base;
    @Inject
    TokenCodec tokens;
    @Inject
    RedisKeys keys;
    @Inject
    RedisDataSource redis;
    @Inject
    PodIdentity pod;

    @Test
    void drainMovesClientsAwayAndTakesThePodOutOfRotation() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        given().get("/q/health/ready").then().statusCode(200);
        String ws = "ws://" + base.getHost() + ":" + base.getPort();
        try (ChatClient alice = ChatClient.connect(ws, tokens.mint("d-alice", null, Duration.ofMinutes(5)), "a1")) {
            // It disconnects everyone on the pod: nobody but an operator may ask.
            given().post("/internal/drain").then().statusCode(401).contentType("application/problem+json");
            given().header("Authorization", "Bearer " + tokens.mint("d-alice", null, Duration.ofMinutes(5)))
                    .post("/internal/drain").then().statusCode(403).body("detail", equalTo("d-alice does not have the operator role"));
            given().get("/internal/drain").then().statusCode(405);
            assertEquals(200, given().get("/q/health/ready").statusCode(), "a refused drain changes nothing");
            given().header("Authorization", "Bearer " + tokens.mint("ops", null, List.of(Roles.OPERATOR), Duration.ofMinutes(5)))
                    .post("/internal/drain").then().statusCode(200).body("closed", equalTo(1));
            assertEquals("draining", alice.await(f -> "reconnect".equals(f.type()), Duration.ofSeconds(10)).reason());
            assertEquals(ErrorCode.CLOSE_DRAINING, alice.awaitClose(Duration.ofSeconds(10)));
        }
        assertTrue(redis.sortedSet(String.class).zscore(keys.podRegistry(), pod.podId()).isEmpty());
        assertNull(redis.hash(String.class).hget(keys.podAddresses(), pod.podId()));
        given().get("/q/health/ready").then().statusCode(503);
        try {
            ChatClient.connect(ws, tokens.mint("d-bob", null, Duration.ofMinutes(5)), "b1");
            throw new AssertionError("a draining pod accepted a connection");
        } catch (java.util.concurrent.CompletionException expected) {
            assertEquals(503, ((java.net.http.WebSocketHandshakeException) expected.getCause()).getResponse().statusCode());
        }
    }
}
