package dev.parley.persistence.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** POST/GET /conversations against real PostgreSQL and Redis. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class ConversationApiTest {

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Test
    void directConversationIsDeterministicAndIdempotent() {
        String first = given().header("Authorization", Callers.as("ann")).contentType(ContentType.JSON)
                .body("{\"kind\":\"direct\",\"members\":[\"ann\",\"ben\"]}")
                .when().post("/conversations")
                .then().statusCode(201)
                .body("id", equalTo("d:ann:ben"))
                .body("kind", equalTo("direct"))
                .body("members", contains("ann", "ben"))
                .body("createdBy", equalTo("ann"))
                .body("createdAt", notNullValue())
                .extract().path("id");
        // The other member creating it again gets the same conversation, and nothing new is written.
        given().header("Authorization", Callers.as("ben")).contentType(ContentType.JSON)
                .body("{\"kind\":\"direct\",\"members\":[\"ben\",\"ann\"]}")
                .when().post("/conversations")
                .then().statusCode(200)
                .body("id", equalTo(first))
                .body("createdBy", equalTo("ann"));
        assertEquals(1, count("SELECT count(*) FROM conversations WHERE id = 'd:ann:ben'"));
        assertEquals(2, count("SELECT count(*) FROM conversation_members WHERE conversation_id = 'd:ann:ben'"));

        String membersKey = keys.conversationMembers("d:ann:ben");
        assertEquals(java.util.Set.of("ann", "ben"), redis.set(String.class).smembers(membersKey));
        long ttl = redis.key().ttl(membersKey);
        assertTrue(ttl > 86_000 && ttl <= 86_400, "member set expires after a day, ttl " + ttl);
    }

    @Test
    void groupGetsAUuidV7AndOnlyMembersMayReadIt() {
        String id = createGroup("gus", "Release crew", "gus", "hal", "ivy");
        assertEquals(7, UUID.fromString(id).version());

        given().header("Authorization", Callers.as("hal")).when().get("/conversations/" + id)
                .then().statusCode(200)
                .body("id", equalTo(id)).body("kind", equalTo("group")).body("title", equalTo("Release crew"))
                .body("members", contains("gus", "hal", "ivy"));
        problem(given().header("Authorization", Callers.as("mallory")).when().get("/conversations/" + id), 403)
                .body("title", equalTo("Forbidden"))
                .body(not(containsString("Release crew")));
        problem(given().header("Authorization", Callers.as("gus")).when().get("/conversations/d:nobody:noone"), 404);
        problem(given().header("Authorization", Callers.as("gus")).when().get("/conversations/not a valid id"), 400);
        problem(given().when().get("/conversations/" + id), 401);
    }

    @Test
    void listsTheCallersConversationsNewestFirst() {
        createGroup("kim", "first", "kim", "lou");
        createGroup("kim", "second", "kim", "max");
        createGroup("lou", "not kim's", "lou", "max");
        given().header("Authorization", Callers.as("kim")).when().get("/conversations?member=kim")
                .then().statusCode(200)
                .body("title", contains("second", "first"));
        given().header("Authorization", Callers.as("kim")).when().get("/conversations?member=kim&limit=1")
                .then().statusCode(200)
                .body("title", contains("second"));
        problem(given().header("Authorization", Callers.as("kim")).when().get("/conversations?member=lou"), 403);
        problem(given().header("Authorization", Callers.as("kim")).when().get("/conversations?member=kim&limit=201"), 400);
        problem(given().header("Authorization", Callers.as("kim")).when().get("/conversations?member=kim&limit=zero"), 400);
    }

    @Test
    void invalidRequestsAreRefusedWithProblemJsonAndChangeNothing() {
        long conversations = count("SELECT count(*) FROM conversations");
        long members = count("SELECT count(*) FROM conversation_members");
        String tooLong = "x".repeat(201);
        String thousandAndOne = IntStream.rangeClosed(0, 1000).mapToObj(i -> "\"u" + i + "\"").collect(Collectors.joining(","));

        refused(null, "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a\",\"b\"]}", 401);
        refused("a", "{\"kind\":\"channel\",\"title\":\"t\",\"members\":[\"a\",\"b\"]}", 400);
        refused("a", "{\"kind\":\"direct\",\"members\":[\"a\",\"b\",\"c\"]}", 400);
        refused("a", "{\"kind\":\"direct\",\"members\":[\"a\",\"a\"]}", 400);
        refused("a", "{\"kind\":\"group\",\"members\":[\"a\",\"b\"]}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":\"\",\"members\":[\"a\",\"b\"]}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":\"" + tooLong + "\",\"members\":[\"a\",\"b\"]}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a\"]}", 400);
        refused("u0", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[" + thousandAndOne + "]}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a\",\"b c\"]}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a\",\"" + "y".repeat(65) + "\"]}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"b\",\"c\"]}", 403);
        refused("a", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a\",\"b\"],\"admin\":true}", 400);
        refused("a", "{\"kind\":\"group\",\"title\":", 400);
        refused("a", "", 400);
        // a credential naming an id no conversation can hold is no credential
        refused("a b", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a b\",\"b\"]}", 401);

        assertEquals(conversations, count("SELECT count(*) FROM conversations"));
        assertEquals(members, count("SELECT count(*) FROM conversation_members"));
    }

    @Test
    void injectionAttemptsAreRefusedOrStoredVerbatim() {
        String title = "x'); DROP TABLE conversations; -- <script>alert(1)</script> \\\"";
        String json = "{\"kind\":\"group\",\"title\":" + io.vertx.core.json.Json.encode(title) + ",\"members\":[\"nia\",\"ola\"]}";
        String id = given().header("Authorization", Callers.as("nia")).contentType(ContentType.JSON).body(json)
                .when().post("/conversations")
                .then().statusCode(201).contentType(ContentType.JSON)
                .body("title", equalTo(title))
                .extract().path("id");
        given().header("Authorization", Callers.as("ola")).when().get("/conversations/" + id)
                .then().statusCode(200).body("title", equalTo(title));
        assertEquals(title, pool.query("SELECT title FROM conversations WHERE id = '" + id + "'").execute()
                .await().indefinitely().iterator().next().getString(0));

        refused("nia", "{\"kind\":\"group\",\"title\":\"t\",\"members\":[\"nia\",\"ola' OR '1'='1\"]}", 400);
        refused("nia' OR '1'='1", "{\"kind\":\"direct\",\"members\":[\"nia\",\"ola\"]}", 401);
        problem(given().header("Authorization", Callers.as("nia")).when().get("/conversations?member=nia'--"), 400);
        // The tables are all still there.
        assertTrue(count("SELECT count(*) FROM conversations") >= 1);
    }

    private String createGroup(String caller, String title, String... members) {
        List<String> quoted = new ArrayList<>();
        for (String m : members) {
            quoted.add("\"" + m + "\"");
        }
        return given().header("Authorization", Callers.as(caller)).contentType(ContentType.JSON)
                .body("{\"kind\":\"group\",\"title\":\"" + title + "\",\"members\":[" + String.join(",", quoted) + "]}")
                .when().post("/conversations")
                .then().statusCode(201)
                .body("members", hasItems(members))
                .extract().path("id");
    }

    private static void refused(String caller, String body, int status) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (caller != null) {
            request.header("Authorization", Callers.as(caller));
        }
        problem(request.when().post("/conversations"), status);
    }

    static ValidatableResponse problem(io.restassured.response.Response response, int status) {
        return response.then().statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(status))
                .body("type", startsWith("urn:parley:problem:"))
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }
}
