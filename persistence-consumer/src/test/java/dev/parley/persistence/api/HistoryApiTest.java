package dev.parley.persistence.api;

import static dev.parley.persistence.TestSupport.message;
import static dev.parley.persistence.api.ConversationApiTest.problem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * History pages from the Redis hot window, from PostgreSQL, and from both, forward and backward.
 * The stores are seeded directly, as delivery-consumer (hot window) and the batch writer would.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class HistoryApiTest {

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Test
    void hotWindowServesPagesItFullyCovers() {
        String c = group("pia", "quin");
        hot(c, 1, 30);

        page("pia", c, "afterSeq=0&limit=10").body("source", equalTo("hot")).body("hasMore", equalTo(true))
                .body("messages.seq", contains(seqs(1, 10)));
        page("quin", c, "afterSeq=25&limit=10").body("source", equalTo("hot")).body("hasMore", equalTo(false))
                .body("messages.seq", contains(seqs(26, 30)));
        page("pia", c, "beforeSeq=31&limit=10").body("source", equalTo("hot")).body("hasMore", equalTo(true))
                .body("messages.seq", contains(seqs(21, 30)));
        page("pia", c, "beforeSeq=5&limit=10").body("source", equalTo("hot")).body("hasMore", equalTo(false))
                .body("messages.seq", contains(seqs(1, 4)));
        page("pia", c, "afterSeq=30").body("source", equalTo("hot")).body("messages", hasSize(0));
        // The page carries the messages as they were sent.
        page("pia", c, "afterSeq=6&limit=1").body("messages[0].body", equalTo("hello 7"))
                .body("messages[0].conversationId", equalTo(c));
    }

    @Test
    void postgresServesPagesWhenTheHotWindowIsGone() {
        String c = group("rae", "sol");
        hot(c, 1, 30);
        cold(c, 1, 30);
        redis.key().del(keys.conversationHot(c));

        page("rae", c, "afterSeq=0&limit=10").body("source", equalTo("cold")).body("hasMore", equalTo(true))
                .body("messages.seq", contains(seqs(1, 10)));
        page("rae", c, "afterSeq=10&limit=10").body("source", equalTo("cold"))
                .body("messages.seq", contains(seqs(11, 20)));
        page("sol", c, "beforeSeq=31&limit=200").body("source", equalTo("cold")).body("hasMore", equalTo(false))
                .body("messages.seq", contains(seqs(1, 30)));
        page("sol", c, "beforeSeq=11&limit=5").body("messages.seq", contains(seqs(6, 10))).body("hasMore", equalTo(true));
        page("sol", c, "").body("messages", hasSize(30)).body("hasMore", equalTo(false));
    }

    @Test
    void pagesSpanningBothStoresHaveNoHoles() {
        // PostgreSQL has 1..20 (it lags), the hot window was trimmed to 15..30.
        String c = group("tom", "uma");
        cold(c, 1, 20);
        hot(c, 15, 30);

        page("tom", c, "afterSeq=10&limit=15").body("source", equalTo("mixed")).body("hasMore", equalTo(true))
                .body("messages.seq", contains(seqs(11, 25)));
        page("tom", c, "afterSeq=0&limit=10").body("source", equalTo("cold"))
                .body("messages.seq", contains(seqs(1, 10)));
        page("tom", c, "beforeSeq=31&limit=10").body("source", equalTo("hot"))
                .body("messages.seq", contains(seqs(21, 30)));
        page("uma", c, "beforeSeq=25&limit=20").body("source", equalTo("mixed")).body("hasMore", equalTo(true))
                .body("messages.seq", contains(seqs(5, 24)));

        // A hole in the hot window (seq 12) that PostgreSQL can fill is filled.
        String d = group("tom", "uma");
        hot(d, 1, 30);
        redis.sortedSet(String.class).zremrangebyscore(keys.conversationHot(d), new io.quarkus.redis.datasource.sortedset.ScoreRange<>(12.0, 12.0));
        cold(d, 12, 12);
        page("tom", d, "afterSeq=0&limit=20").body("source", equalTo("mixed"))
                .body("messages.seq", contains(seqs(1, 20)));
    }

    @Test
    void onlyMembersReadHistoryAndLimitsAreEnforced() {
        String c = group("vic", "wes");
        hot(c, 1, 5);

        var forbidden = given().header("Authorization", Callers.as("eve")).when().get("/conversations/" + c + "/messages?afterSeq=0");
        problem(forbidden, 403);
        assertTrue(!forbidden.asString().contains("hello"), "no message leaks to a non-member");
        problem(given().when().get("/conversations/" + c + "/messages"), 401);
        problem(given().header("Authorization", Callers.as("vic")).when().get("/conversations/" + UUID.randomUUID() + "/messages"), 404);
        for (String bad : List.of("limit=0", "limit=201", "limit=x", "afterSeq=-1", "beforeSeq=0",
                "afterSeq=1&beforeSeq=5", "afterSeq=abc")) {
            problem(given().header("Authorization", Callers.as("vic")).when().get("/conversations/" + c + "/messages?" + bad), 400);
        }
        page("vic", c, "limit=200").body("messages", hasSize(5));
    }

    @Test
    void membershipIsReadFromRedisFirstAndRefilledFromPostgres() {
        String c = group("xan", "yul");
        hot(c, 1, 3);
        String members = keys.conversationMembers(c);
        redis.key().del(members);

        page("yul", c, "afterSeq=0").body("messages", hasSize(3));
        assertEquals(java.util.Set.of("xan", "yul"), redis.set(String.class).smembers(members), "refilled from PostgreSQL");
        assertTrue(redis.key().ttl(members) > 0);

        // While the set is cached, it answers: a member removed only from the cache is refused.
        redis.set(String.class).srem(members, "yul");
        problem(given().header("Authorization", Callers.as("yul")).when().get("/conversations/" + c + "/messages"), 403);
    }

    private io.restassured.response.ValidatableResponse page(String user, String conversation, String query) {
        return given().header("Authorization", Callers.as(user)).when().get("/conversations/" + conversation + "/messages" + (query.isEmpty() ? "" : "?" + query))
                .then().statusCode(200).contentType(ContentType.JSON).body("conversationId", equalTo(conversation));
    }

    private String group(String... members) {
        String list = String.join(",", java.util.Arrays.stream(members).map(m -> "\"" + m + "\"").toList());
        return given().header("Authorization", Callers.as(members[0])).contentType(ContentType.JSON)
                .body("{\"kind\":\"group\",\"title\":\"history\",\"members\":[" + list + "]}")
                .when().post("/conversations").then().statusCode(201).extract().path("id");
    }

    /** What delivery-consumer writes: score = seq, member = the message JSON. */
    private void hot(String conversation, int from, int to) {
        for (int seq = from; seq <= to; seq++) {
            redis.sortedSet(String.class).zadd(keys.conversationHot(conversation), seq, Json.write(stable(conversation, seq)));
        }
    }

    private void cold(String conversation, int from, int to) {
        for (int seq = from; seq <= to; seq++) {
            ChatMessage m = stable(conversation, seq);
            pool.preparedQuery("INSERT INTO messages (id, conversation_id, seq, sender_id, sender_device, sender_pod, client_msg_id, body, sent_at)"
                            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .execute(Tuple.tuple().addUUID(UUID.fromString(m.id())).addString(m.conversationId()).addLong(m.seq())
                            .addString(m.senderId()).addString(m.senderDevice()).addString(m.senderPod())
                            .addString(m.clientMsgId()).addString(m.body())
                            .addOffsetDateTime(OffsetDateTime.ofInstant(Instant.ofEpochMilli(m.sentAt()), ZoneOffset.UTC)))
                    .await().indefinitely();
        }
    }

    /** The same message (same id) whichever store it is seeded into. */
    private static ChatMessage stable(String conversation, int seq) {
        ChatMessage m = message(conversation, seq);
        String id = UUID.nameUUIDFromBytes((conversation + "/" + seq).getBytes()).toString();
        return new ChatMessage(id, m.conversationId(), m.seq(), m.senderId(), m.senderDevice(), m.senderPod(),
                m.clientMsgId(), m.body(), m.sentAt());
    }

    private static Integer[] seqs(int from, int to) {
        return IntStream.rangeClosed(from, to).boxed().toArray(Integer[]::new);
    }
}
