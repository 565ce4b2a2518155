package dev.parley.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.routing.PodDirectory;
import dev.parley.gateway.support.FakePersistence;
import dev.parley.gateway.support.Tokens;
import dev.parley.platform.auth.TokenCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
class GatewayApiTest {

    @Inject
    MeterRegistry registry;
    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    PodDirectory pods;

    @Test
    void devLoginMintsATokenTheVerifierAccepts() {
        String token = given().contentType("application/json").body("{\"user\":\"alice\"}")
                .when().post("/api/auth/dev-login")
                .then().statusCode(200)
                .body("user", equalTo("alice"))
                .body("expiresAt", notNullValue())
                .extract().path("token");
        assertEquals("alice", Tokens.CODEC.verify(token).userId());

        given().contentType("application/json").body("{\"user\":\"al ice\"}")
                .when().post("/api/auth/dev-login")
                .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
        given().contentType("application/json").body("{\"user\":\"" + "x".repeat(65) + "\"}")
                .when().post("/api/auth/dev-login")
                .then().statusCode(400);
    }

    @Test
    void missingExpiredForgedAndWrongAudienceTokensGet401() throws Exception {
        String expired = Tokens.CODEC.mint("bob", null, Duration.ofMinutes(-10));
        String forged = new TokenCodec("another-secret-0123456789abcdef0123456").mint("bob", null, Duration.ofMinutes(5));
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("parley");
        claims.setAudience("somebody-else");
        claims.setSubject("bob");
        claims.setExpirationTime(NumericDate.fromMilliseconds(System.currentTimeMillis() + 600_000));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(new HmacKey("test-only-secret-0123456789abcdef012".getBytes(StandardCharsets.UTF_8)));
        String wrongAudience = jws.getCompactSerialization();

        given().when().get("/api/route").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("invalid_token"))
                .body("detail", equalTo("token missing"));
        given().header("Authorization", "Basic Ym9iOmJvYg==").when().get("/api/conversations").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-jwt").when().get("/api/conversations").then().statusCode(401);
        given().header("Authorization", "Bearer " + expired).when().get("/api/conversations").then().statusCode(401)
                .body("detail", equalTo("token expired"));
        given().header("Authorization", "Bearer " + forged).when().get("/api/conversations").then().statusCode(401)
                .body("detail", equalTo("token invalid"));
        given().header("Authorization", "Bearer " + wrongAudience).when().get("/api/conversations").then().statusCode(401);
        assertEquals(0, FakePersistence.HEADERS.stream().filter(h -> "bob".equals(h.get("user"))).count(),
                "no refused request reached the downstream");
    }

    @Test
    void requestIdIsKeptOrAssignedAndForwardedWithAnInternalCredentialForTheVerifiedUser() {
        given().header("Authorization", Tokens.bearer("grace"))
                .header("X-Request-Id", "req-abc.123")
                .header("X-Parley-User", "mallory")
                .when().get("/api/conversations/c-42")
                .then().statusCode(200)
                .header("X-Request-Id", "req-abc.123");
        var seen = FakePersistence.HEADERS.stream().filter(h -> h.get("uri").equals("/conversations/c-42")).findFirst().orElseThrow();
        assertEquals("grace", seen.get("user"), "the downstream gets the verified user as an internal token for it");
        assertEquals("null", seen.get("identityHeader"), "a client's X-Parley-User never goes on");
        assertEquals("req-abc.123", seen.get("requestId"));

        String assigned = given().header("Authorization", Tokens.bearer("grace"))
                .header("X-Request-Id", "no spaces allowed <script>")
                .when().get("/api/conversations/c-43")
                .then().statusCode(200).extract().header("X-Request-Id");
        assertNotEquals("no spaces allowed <script>", assigned);
        assertTrue(assigned.matches("[0-9a-f-]{36}"), assigned);
        var seen2 = FakePersistence.HEADERS.stream().filter(h -> h.get("uri").equals("/conversations/c-43")).findFirst().orElseThrow();
        assertEquals(assigned, seen2.get("requestId"));
        // static files and errors carry one too
        given().when().get("/api/route").then().statusCode(401).header("X-Request-Id", notNullValue())
                .body("requestId", notNullValue());
    }

    @Test
    void downstreamClientErrorsPassThroughWithoutRetry() {
        given().header("Authorization", Tokens.bearer("heidi"))
                .when().get("/api/conversations/missing-1")
                .then().statusCode(404).contentType("application/problem+json").body("detail", equalTo("no such conversation"));
        assertEquals(1, FakePersistence.calls("/conversations/missing-1"));
        given().header("Authorization", Tokens.bearer("heidi")).contentType("application/json")
                .body("{\"kind\":\"direct\",\"members\":[\"heidi\",\"ivan\"]}")
                .when().post("/api/conversations")
                .then().statusCode(201).body("kind", equalTo("direct"));
        given().header("Authorization", Tokens.bearer("heidi")).when().get("/api/conversations/unread")
                .then().statusCode(200).body("c-1", equalTo(0));
    }

    @Test
    void unreadCountsComeFromTheConversationSeqAndTheReadSeq() {
        redis.value(String.class).set(keys.conversationSeq("c-1"), "17");
        redis.hash(String.class).hset(keys.conversationRead("c-1"), "judy", "12");
        given().header("Authorization", Tokens.bearer("judy")).when().get("/api/conversations/unread")
                .then().statusCode(200).body("c-1", equalTo(5));
    }

    @Test
    void concurrentIdenticalReadsMakeOneDownstreamCall() throws Exception {
        double before = registry.counter("parley.gateway.singleflight.merged").count();
        int n = 20;
        String auth = Tokens.bearer("kim");
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return given().header("Authorization", auth).when().get("/api/conversations/slow-1").statusCode();
            }));
        }
        go.countDown();
        for (Future<Integer> f : results) {
            assertEquals(200, f.get());
        }
        pool.shutdown();
        assertEquals(1, FakePersistence.calls("/conversations/slow-1"));
        assertEquals(n - 1, registry.counter("parley.gateway.singleflight.merged").count() - before, 0.0001);
        // a later read is a new flight
        given().header("Authorization", auth).when().get("/api/conversations/slow-1").then().statusCode(200);
        assertEquals(2, FakePersistence.calls("/conversations/slow-1"));
    }

    @Test
    void perUserLimitAnswers429WithRetryAfterAndRateLimitHeaders() {
        String auth = Tokens.bearer("leo");
        for (int i = 0; i < 50; i++) {
            Response r = given().header("Authorization", auth).when().get("/api/conversations/c-leo");
            assertEquals(200, r.statusCode());
            assertEquals("50", r.header("RateLimit-Limit"));
            assertEquals(String.valueOf(49 - i), r.header("RateLimit-Remaining"));
        }
        Response refused = given().header("Authorization", auth).when().get("/api/conversations/c-leo");
        assertEquals(429, refused.statusCode());
        assertEquals("application/problem+json", refused.contentType());
        assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
        assertEquals("50", refused.header("RateLimit-Limit"));
        assertEquals("0", refused.header("RateLimit-Remaining"));
        assertEquals(50, FakePersistence.calls("/conversations/c-leo"), "refused requests never reach the downstream");
        // another user is unaffected
        given().header("Authorization", Tokens.bearer("mia")).when().get("/api/conversations/c-leo").then().statusCode(200);
    }

    @Test
    void eachDownstreamHasItsOwnBreakerAndEveryAnswerNamesTheOneThatFailed() {
        // seat-service is not running in these tests (%test seat-url: a closed port)
        String auth = Tokens.bearer("oli");
        String cohort = java.util.UUID.randomUUID().toString();
        int opened = 0;
        for (int i = 0; i < 30 && opened == 0; i++) {
            Response r = given().header("Authorization", auth).when().get("/api/cohorts/" + cohort);
            String detail = r.jsonPath().getString("detail");
            assertTrue(detail.startsWith("the seat service"), "names the seat service, not chat history: " + detail);
            opened = r.statusCode() == 503 ? 1 : 0;
            if (opened == 0) {
                assertEquals(502, r.statusCode(), detail);
            }
        }
        assertEquals(1, opened, "seat-service's breaker opened");
        // chat history's breaker is another one: still closed, still serving
        given().header("Authorization", auth).when().get("/api/conversations/c-oli").then().statusCode(200);
    }

    @Test
    void circuitOpensOnAFailingDownstreamAndRecovers() throws Exception {
        String auth = Tokens.bearer("nina");
        FakePersistence.failing.set(true);
        try {
            int status = 0;
            int attempts = 0;
            while (status != 503 && attempts++ < 10) {
                Response r = given().header("Authorization", auth).when().get("/api/conversations/flaky-" + attempts);
                status = r.statusCode();
                if (status != 503) {
                    assertEquals(502, status, "a failing downstream is a 502 until the breaker opens");
                    assertEquals(3, FakePersistence.calls("/conversations/flaky-" + attempts), "reads are retried twice");
                }
            }
            assertEquals(503, status, "the breaker opened");
            int callsWhenOpen = FakePersistence.CALLS.entrySet().stream().filter(e -> e.getKey().contains("flaky"))
                    .mapToInt(e -> e.getValue().get()).sum();
            given().header("Authorization", auth).when().get("/api/conversations/flaky-open")
                    .then().statusCode(503).header("Retry-After", notNullValue())
                    .body("detail", equalTo("chat history is temporarily unavailable (circuit open)"));
            assertEquals(0, FakePersistence.calls("/conversations/flaky-open"), "an open breaker calls nobody");
            assertTrue(callsWhenOpen <= 12);
        } finally {
            FakePersistence.failing.set(false);
        }
        Thread.sleep(1500); // %test breaker delay is 1 s
        given().header("Authorization", auth).when().get("/api/conversations/flaky-back").then().statusCode(200);
        given().header("Authorization", auth).when().get("/api/conversations/flaky-back2").then().statusCode(200);
        given().header("Authorization", auth).when().get("/api/conversations/flaky-back3").then().statusCode(200);
    }

    @Test
    void routeNamesALivePodAndItsSocketUrl() {
        long now = System.currentTimeMillis();
        redis.sortedSet(String.class).zadd(keys.podRegistry(), now, "ws-a");
        redis.hash(String.class).hset(keys.podAddresses(), "ws-a", "ws://10.0.0.1:8081");
        redis.sortedSet(String.class).zadd(keys.podRegistry(), now - 60_000, "ws-dead");
        redis.hash(String.class).hset(keys.podAddresses(), "ws-dead", "ws://10.0.0.9:8081");
        pods.refresh().await().atMost(Duration.ofSeconds(5));
        for (String user : List.of("olga", "pete", "quinn", "rita", "sam")) {
            // ws-a keeps beating (as its heartbeat loop would) however slow this machine is
            redis.sortedSet(String.class).zadd(keys.podRegistry(), System.currentTimeMillis(), "ws-a");
            given().header("Authorization", Tokens.bearer(user)).when().get("/api/route")
                    .then().statusCode(200)
                    .body("pod", equalTo("ws-a"))
                    .body("url", equalTo("/ws/chat"))
                    .body("direct", equalTo("ws://10.0.0.1:8081/ws/chat"));
        }
    }

    @Test
    void relaysAndCohortRoutesAdmitOnlyVerifiedCallersAndKnownShapes() {
        // The relays answer like the API: 426 without an upgrade, 401 without a valid token.
        given().when().get("/ws/chat?token=x").then().statusCode(426).contentType(containsString("problem+json"));
        given().header("Upgrade", "websocket").header("Connection", "Upgrade").when().get("/ws/chat?token=forged")
                .then().statusCode(401).header("WWW-Authenticate", containsString("invalid_token"))
                .body("requestId", notNullValue());
        given().header("Upgrade", "websocket").header("Connection", "Upgrade").when().get("/api/cohorts/abc/live")
                .then().statusCode(401);
        given().when().get("/api/cohorts/abc/events").then().statusCode(401);
        // Only the shapes seat-service serves are forwarded; the rest is a 404 here.
        given().header("Authorization", Tokens.bearer("tess")).when().get("/api/cohorts/abc/holds")
                .then().statusCode(404).body("detail", equalTo("no such cohort resource"));
        given().header("Authorization", Tokens.bearer("tess")).when().post("/api/cohorts/abc/admissions")
                .then().statusCode(404);
        given().header("Authorization", Tokens.bearer("tess")).when().delete("/api/cohorts/abc")
                .then().statusCode(404);
    }

    @Test
    void seatPageIsServedSelfContained() {
        String page = given().when().get("/seats/").then().statusCode(200).extract().asString();
        assertTrue(page.contains("seats.js") && !page.contains("http://") && !page.contains("https://"), "the page loads only its own files");
        given().when().get("/seats/seats.js").then().statusCode(200).body(containsString("/api/cohorts/"));
    }
}
