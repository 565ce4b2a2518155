package dev.parley.seat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.seat.SeatClient;
import dev.parley.seat.SeatClient.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Out-of-range and unstorable input (issue: three users could open the gateway's breaker with
 * 500s): every case is a 400 problem naming the field, and nothing is stored or changed.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class SeatInputTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    Pool pool;

    SeatClient client;

    @BeforeEach
    void client() {
        client = new SeatClient(url.toString());
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private long rows(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    /** A cohort body with one field replaced by raw JSON. */
    private static String cohort(String field, String rawValue) {
        String future = "\"" + Instant.now().plusSeconds(600) + "\"";
        StringBuilder b = new StringBuilder("{");
        for (String[] f : new String[][] {{"title", "\"Input\""}, {"seats", "3"}, {"deadline", future}}) {
            b.append('"').append(f[0]).append("\":").append(f[0].equals(field) ? rawValue : f[1]).append(',');
        }
        if (!List.of("title", "seats", "deadline").contains(field)) {
            b.append('"').append(field).append("\":").append(rawValue).append(',');
        }
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    private static void assertFieldRefused(Reply r, String field) {
        assertEquals(400, r.status(), String.valueOf(r.body()));
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals("https://parley.dev/problems/bad-request", r.text("type"));
        assertEquals(400, r.body().get("status").asInt());
        assertEquals(field, r.text("field"), String.valueOf(r.body()));
    }

    @Test
    void unstorableAndOutOfRangeCohortsAre400sNamingTheFieldAndStoreNothing() {
        long before = rows("SELECT count(*) FROM cohorts");
        String[][] cases = {
                {"title", "\"nul\\u0000inside\""},
                {"title", "\"lone \\ud800 surrogate\""},
                {"title", "\"\\u0007\\u0008\\u001b\""},
                {"title", "5"},
                {"seatLabels", "[\"A\",\"B\\u0000\",\"C\"]"},
                {"seatLabels", "[\"A\",\"\\udc00\",\"C\"]"},
                {"seatLabels", "\"A,B,C\""},
                {"deadline", "\"+300000-01-01T00:00:00Z\""},
                {"deadline", "\"+1000000000-12-31T23:59:59.999999999Z\""},
                {"deadline", "\"" + Instant.now().plusSeconds(11L * 366 * 86400) + "\""},
                {"deadline", "4102444800000"},
                {"deadline", "9223372036854775807"},
                {"deadline", "\"next tuesday\""},
                {"opensAt", "\"-300000-01-01T00:00:00Z\""},
                {"opensAt", "\"1970-01-01T00:00:00Z\""},
                {"opensAt", "\"+300000-01-01T00:00:00Z\""},
                {"seats", "1.5"},
                {"seats", "\"5\""},
                {"seats", "10001"},
                {"seats", "1e400"},
                {"seats", "99999999999999999999999"},
                {"holdTtlMs", "99"},
                {"holdTtlMs", "\"1000\""},
                {"holdTtlMs", "3600001"},
                {"holdTtlMs", "9223372036854775807"},
        };
        for (String[] c : cases) {
            Reply r = client.post("/cohorts", user(), cohort(c[0], c[1]));
            assertFieldRefused(r, c[0]);
        }
        // Not one field, but still a clear 400 and nothing stored.
        for (String body : List.of(cohort("title", "\"x\"") + " trailing", "[1,2]", "{\"title\":\"a\",\"title\":\"b\"}")) {
            Reply r = client.post("/cohorts", user(), body);
            assertEquals(400, r.status(), body + " -> " + r.body());
        }
        assertEquals(before, rows("SELECT count(*) FROM cohorts"), "no refused cohort was stored");
        assertEquals(0, rows("SELECT count(*) FROM cohort_seats WHERE label LIKE '%' || chr(1) || '%'"));

        // Inside the horizon: accepted.
        Reply ok = client.post("/cohorts", user(), cohort("deadline", "\"" + Instant.now().plusSeconds(9L * 365 * 86400) + "\""));
        assertEquals(201, ok.status(), String.valueOf(ok.body()));
        Reply labelled = client.post("/cohorts", user(), cohort("seatLabels", "[\"A1\",\"\\ud83d\\ude00\",\"C3\"]"));
        assertEquals(201, labelled.status(), "a surrogate pair (emoji) is a character, not a lone surrogate: " + labelled.body());
    }

    @Test
    void outOfRangeCountdownChangesAre400sAndLeaveTheCohortAsItWas() {
        String owner = user();
        String cohort = client.cohort(owner, 2, Instant.now().plusSeconds(600), 60_000);
        long deadline = client.get("/cohorts/" + cohort, owner).body().get("deadlineMs").asLong();
        String[][] cases = {
                {"extendByMs", "{\"extendByMs\":9223372036854775807}"},
                {"extendByMs", "{\"extendByMs\":1e16}"},
                {"extendByMs", "{\"extendByMs\":10000000000000000}"},
                {"extendByMs", "{\"extendByMs\":0}"},
                {"extendByMs", "{\"extendByMs\":-5}"},
                {"extendByMs", "{\"extendByMs\":1.5}"},
                {"extendByMs", "{\"extendByMs\":\"1000\"}"},
                {"deadline", "{\"deadline\":\"+300000-01-01T00:00:00Z\"}"},
                {"deadline", "{\"deadline\":\"+1000000000-12-31T23:59:59.999999999Z\"}"},
                {"deadline", "{\"deadline\":4102444800000}"},
        };
        for (String[] c : cases) {
            assertFieldRefused(client.post("/cohorts/" + cohort + "/extend", owner, c[1]), c[0]);
        }
        assertFieldRefused(client.post("/cohorts/" + cohort + "/pause", owner, "{\"until\":1}"), "until");
        assertFieldRefused(client.post("/cohorts/" + cohort + "/holds", user(), "{\"seat\":1.5}"), "seat");
        assertFieldRefused(client.post("/cohorts/" + cohort + "/holds", user(), "{\"seat\":\"1\"}"), "seat");

        Reply after = client.get("/cohorts/" + cohort, owner);
        assertEquals(200, after.status(), String.valueOf(after.body()));
        assertEquals(deadline, after.body().get("deadlineMs").asLong(), "the deadline did not move");
        assertEquals("open", after.text("state"));
        assertEquals(0, rows("SELECT count(*) FROM holds WHERE cohort_id = '" + cohort + "'"));
        // The cohort still serves everyone.
        assertEquals(201, client.post("/cohorts/" + cohort + "/holds", user(), "{\"seat\":1}").status());
        assertEquals(200, client.post("/cohorts/" + cohort + "/extend", owner, "{\"extendByMs\":5000}").status());
    }
}
