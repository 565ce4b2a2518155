package dev.parley.seat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.RedisKeyspace;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cohorts, holds, idempotency, rate limit, bad input and rebuild against real Redis and PostgreSQL. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class SeatApiTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    RedisKeys keys;

    @Inject
    Pool pool;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    SeatClient client;

    @BeforeEach
    void client() {
        client = new SeatClient(url.toString());
    }

    private String user() {
        return "u-" + UUID.randomUUID();
    }

    private long rows(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    @Test
    void holdConfirmReleaseAndQueueAdmission() {
        String owner = user();
        String cohort = client.cohort(owner, 2, Instant.now().plusSeconds(600), 60_000);
        Reply view = client.get("/cohorts/" + cohort, owner);
        assertEquals(200, view.status());
        assertEquals(2, view.body().get("free").asInt());
        assertEquals("open", view.text("state"));

        String a = user(), b = user(), c = user();
        Reply ha = client.post("/cohorts/" + cohort + "/holds", a, null);
        assertEquals(201, ha.status(), ha.body().toString());
        String holdA = ha.body().path("hold").path("holdId").asText();
        Reply hb = client.post("/cohorts/" + cohort + "/holds", b, "{\"seat\":null}");
        assertEquals(201, hb.status());
        assertTrue(ha.body().path("hold").path("seat").asInt() != hb.body().path("hold").path("seat").asInt());

        // No seat left but holds outstanding: the third user waits in line.
        Reply hc = client.post("/cohorts/" + cohort + "/holds", c, null);
        assertEquals(202, hc.status());
        assertEquals(1, hc.body().get("position").asInt());
        assertEquals(1, client.get("/cohorts/" + cohort + "/me", c).body().get("queuePosition").asInt());

        // One hold per user.
        Reply again = client.post("/cohorts/" + cohort + "/holds", a, null);
        assertEquals(409, again.status());
        assertEquals("https://parley.dev/problems/already-holding", again.text("type"));

        Reply conf = client.post("/cohorts/" + cohort + "/holds/" + holdA + "/confirm", a, null);
        assertEquals(200, conf.status(), conf.body().toString());
        assertEquals("confirmed", conf.text("state"));

        // b releases: the seat goes to c, the head of the queue.
        String holdB = hb.body().path("hold").path("holdId").asText();
        assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + holdB + "/release", b, null).status());
        Reply meC = client.get("/cohorts/" + cohort + "/me", c);
        assertEquals("held", meC.body().path("hold").path("state").asText(), meC.body().toString());
        String holdC = meC.body().path("hold").path("holdId").asText();
        Reply confC = retryConfirm(cohort, holdC, c);
        assertEquals(200, confC.status(), confC.body().toString());

        // Sold out now.
        Reply d = client.post("/cohorts/" + cohort + "/holds", user(), null);
        assertEquals(409, d.status());
        assertEquals("https://parley.dev/problems/sold-out", d.text("type"));
        assertEquals(2, rows("SELECT count(*) FROM holds WHERE state = 'confirmed' AND cohort_id = '" + cohort + "'"));
        Reply grid = client.get("/cohorts/" + cohort + "/seats", owner);
        assertEquals("booked", grid.body().get("seats").get(0).get("state").asText());
        assertEquals("booked", grid.body().get("seats").get(1).get("state").asText());
    }

    private Reply retryConfirm(String cohort, String hold, String user) {
        Reply r = null;
        for (int i = 0; i < 20; i++) {
            r = client.post("/cohorts/" + cohort + "/holds/" + hold + "/confirm", user, null);
            if (r.status() == 200) {
                return r;
            }
            sleep(50);
        }
        return r;
    }

    @Test
    void holdsExpireOnTimeAndTheSweeperFreesTheSeat() {
        String owner = user();
        String cohort = client.cohort(owner, 1, Instant.now().plusSeconds(600), 300);
        String a = user();
        Reply h = client.post("/cohorts/" + cohort + "/holds", a, null);
        assertEquals(201, h.status());
        long exp = h.body().path("hold").path("expiresAtMs").asLong();
        long served = h.body().path("serverTimeMs").asLong();
        assertEquals(300, exp - served);
        sleep(800);
        String holdId = h.body().path("hold").path("holdId").asText();
        Reply late = client.post("/cohorts/" + cohort + "/holds/" + holdId + "/confirm", a, null);
        assertEquals(409, late.status());
        assertEquals(1, client.get("/cohorts/" + cohort, owner).body().get("free").asInt());
        assertEquals("expired", stateOf(holdId));
        assertEquals(201, client.post("/cohorts/" + cohort + "/holds", user(), null).status());
    }

    private String stateOf(String holdId) {
        return pool.query("SELECT state FROM holds WHERE id = '" + holdId + "'").execute().await().indefinitely()
                .iterator().next().getString(0);
    }

    @Test
    void idempotencyKeyReplaysTheSameAnswerAndRefusesAnotherBody() {
        String owner = user();
        String cohort = client.cohort(owner, 5, Instant.now().plusSeconds(600), 60_000);
        String a = user();
        Reply first = client.call("POST", "/cohorts/" + cohort + "/holds", a, "k1", "{\"seat\":3}");
        assertEquals(201, first.status());
        Reply replay = client.call("POST", "/cohorts/" + cohort + "/holds", a, "k1", "{\"seat\":3}");
        assertEquals(201, replay.status());
        assertEquals(first.body(), replay.body());
        Reply other = client.call("POST", "/cohorts/" + cohort + "/holds", a, "k1", "{\"seat\":4}");
        assertEquals(422, other.status());
        assertTrue(other.contentType().startsWith("application/problem+json"));
        assertEquals(1, rows("SELECT count(*) FROM holds WHERE cohort_id = '" + cohort + "'"));

        // Cohort creation replays too: one cohort, not two.
        String body = "{\"title\":\"Once\",\"seats\":3,\"deadline\":\"" + Instant.now().plusSeconds(60) + "\"}";
        Reply c1 = client.call("POST", "/cohorts", owner, "create-1", body);
        Reply c2 = client.call("POST", "/cohorts", owner, "create-1", body);
        assertEquals(201, c1.status());
        assertEquals(c1.text("id"), c2.text("id"));
        assertEquals(1, rows("SELECT count(*) FROM cohorts WHERE title = 'Once'"));
    }

    @Test
    void badInputGetsClearErrorsAndChangesNothing() {
        String owner = user();
        long before = rows("SELECT count(*) FROM cohorts");
        String future = Instant.now().plusSeconds(60).toString();
        assertProblem(client.post("/cohorts", owner, "{\"title\":\"x\",\"seats\":-5,\"deadline\":\"" + future + "\"}"), 400, "bad-request");
        assertProblem(client.post("/cohorts", owner, "{\"title\":\"x\",\"seats\":0,\"deadline\":\"" + future + "\"}"), 400, "bad-request");
        assertProblem(client.post("/cohorts", owner, "{\"title\":\"x\",\"seats\":5,\"deadline\":\"" + Instant.now().minusSeconds(5) + "\"}"), 400, "bad-request");
        assertProblem(client.post("/cohorts", owner, "{\"title\":\"x\",\"seats\":5"), 400, "bad-request");
        assertProblem(client.post("/cohorts", owner, "{\"title\":\"x\",\"seats\":5,\"deadline\":\"" + future + "\",\"evil\":1}"), 400, "bad-request");
        assertProblem(client.post("/cohorts", owner, "{\"title\":\"'); DROP TABLE holds;--\",\"seats\":2,\"deadline\":\"" + future
                + "\",\"seatLabels\":[\"A\"]}"), 400, "bad-request");
        assertProblem(client.post("/cohorts", null, "{\"title\":\"x\",\"seats\":5,\"deadline\":\"" + future + "\"}"), 401, "unauthenticated");
        assertEquals(before, rows("SELECT count(*) FROM cohorts"));

        assertProblem(client.post("/cohorts/" + UUID.randomUUID() + "/holds", user(), null), 404, "not-found");
        assertProblem(client.post("/cohorts/not-a-uuid/holds", user(), null), 404, "not-found");
        assertProblem(client.get("/cohorts/" + UUID.randomUUID(), user()), 404, "not-found");

        String cohort = client.cohort(owner, 3, Instant.now().plusSeconds(600), 60_000);
        String a = user(), b = user();
        String holdA = client.post("/cohorts/" + cohort + "/holds", a, null).body().path("hold").path("holdId").asText();
        // b may not confirm or release a's hold.
        assertProblem(client.post("/cohorts/" + cohort + "/holds/" + holdA + "/confirm", b, null), 403, "forbidden");
        assertProblem(client.post("/cohorts/" + cohort + "/holds/" + holdA + "/release", b, null), 403, "forbidden");
        assertProblem(client.post("/cohorts/" + cohort + "/holds/" + UUID.randomUUID() + "/confirm", b, null), 404, "not-found");
        assertProblem(client.post("/cohorts/" + cohort + "/holds", b, "{\"seat\":7}"), 400, "bad-request");
        assertProblem(client.post("/cohorts/" + cohort + "/holds", b, "{\"seat\":-1}"), 400, "bad-request");
        assertProblem(client.post("/cohorts/" + cohort + "/holds", b, "{\"seat\":\"x\"}"), 400, "bad-request");
        assertEquals("held", stateOf(holdA));
        // Only the owner moves the countdown.
        assertProblem(client.post("/cohorts/" + cohort + "/extend", b, "{\"extendByMs\":1000}"), 403, "forbidden");
        assertProblem(client.post("/cohorts/" + cohort + "/extend", owner, "{\"extendByMs\":-1000}"), 400, "bad-request");
        assertEquals(1, rows("SELECT count(*) FROM holds WHERE cohort_id = '" + cohort + "'"));
    }

    private static void assertProblem(Reply r, int status, String type) {
        assertEquals(status, r.status(), String.valueOf(r.body()));
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals("https://parley.dev/problems/" + type, r.text("type"));
        assertEquals(status, r.body().get("status").asInt());
        assertNotNull(r.text("title"));
        assertNotNull(r.text("detail"));
    }

    @Test
    void tokenBucketAnswers429WithRetryAfter() {
        String owner = user();
        String cohort = client.cohort(owner, 1, Instant.now().plusSeconds(600), 60_000);
        String a = user();
        List<CompletableFuture<Reply>> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(client.send("DELETE", "/cohorts/" + cohort + "/queue", a, null, null));
        }
        List<Reply> replies = burst.stream().map(CompletableFuture::join).toList();
        long limited = replies.stream().filter(r -> r.status() == 429).count();
        long ok = replies.stream().filter(r -> r.status() == 200).count();
        assertTrue(limited >= 15, "limited " + limited);
        assertTrue(ok >= 20 && ok <= 25, "ok " + ok);
        Reply r = replies.stream().filter(x -> x.status() == 429).findFirst().orElseThrow();
        assertEquals("1", r.retryAfter());
        assertEquals("https://parley.dev/problems/rate-limited", r.text("type"));
    }

    @Test
    void quotaIsRebuiltFromPostgresqlAfterRedisLosesIt() {
        String owner = user();
        String cohort = client.cohort(owner, 3, Instant.now().plusSeconds(600), 60_000);
        String a = user(), b = user();
        String holdA = client.post("/cohorts/" + cohort + "/holds", a, "{\"seat\":0}").body().path("hold").path("holdId").asText();
        assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + holdA + "/confirm", a, null).status());
        String holdB = client.post("/cohorts/" + cohort + "/holds", b, "{\"seat\":1}").body().path("hold").path("holdId").asText();

        RedisKeyspace.deleteByPrefix(keys.cohort(cohort, ""));

        Reply v = client.get("/cohorts/" + cohort, owner);
        assertEquals(1, v.body().get("confirmed").asInt(), v.body().toString());
        assertEquals(1, v.body().get("held").asInt());
        assertEquals(1, v.body().get("free").asInt());
        assertProblem(client.post("/cohorts/" + cohort + "/holds", b, null), 409, "already-holding");
        assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + holdB + "/confirm", b, null).status());
        assertProblem(client.post("/cohorts/" + cohort + "/holds", user(), "{\"seat\":0}"), 409, "seat-taken");
    }

    /**
     * Part of a cohort lost (the user still points at a hold whose record is gone): the status and
     * hold paths rebuild the cohort from PostgreSQL instead of failing, and the hold is still there.
     */
    @Test
    void aHoldRecordMissingFromRedisIsRebuiltNotAnError() {
        String owner = user();
        String cohort = client.cohort(owner, 2, Instant.now().plusSeconds(600), 60_000);
        String a = user();
        String hold = client.post("/cohorts/" + cohort + "/holds", a, "{\"seat\":1}").body().path("hold").path("holdId").asText();

        redis.execute("HDEL", keys.cohort(cohort, "holds"), hold);
        Reply me = client.get("/cohorts/" + cohort + "/me", a);
        assertEquals(200, me.status(), String.valueOf(me.body()));
        assertEquals(hold, me.body().path("hold").path("holdId").asText(), me.body().toString());
        assertEquals(1, me.body().path("hold").path("seat").asInt());
        Reply view = client.get("/cohorts/" + cohort, owner);
        assertEquals(1, view.body().get("held").asInt(), view.body().toString());
        assertEquals(1, view.body().get("free").asInt(), view.body().toString());

        redis.execute("HDEL", keys.cohort(cohort, "holds"), hold);
        assertProblem(client.post("/cohorts/" + cohort + "/holds", a, null), 409, "already-holding");
        assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + hold + "/confirm", a, null).status());
    }

    /**
     * The race of a Redis loss with a confirm: the rebuild reads PostgreSQL while the confirm is
     * between Redis and PostgreSQL, so Redis comes back with the seat as held and later expires it.
     * The acknowledged confirm must stand, and the seat must not be handed to anyone else.
     */
    @Test
    void aConfirmedSeatNeverExpiresEvenWhenARebuildSawItHeld() {
        String owner = user();
        String cohort = client.cohort(owner, 1, Instant.now().plusSeconds(600), 1000);
        String a = user();
        String hold = client.post("/cohorts/" + cohort + "/holds", a, null).body().path("hold").path("holdId").asText();
        assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + hold + "/confirm", a, null).status());

        // Rebuild from the state PostgreSQL had before the confirm landed, then let it land. The
        // row is put back first: the sweeper may find the cohort gone and rebuild it at any moment.
        pool.query("UPDATE holds SET state = 'held' WHERE id = '" + hold + "'").execute().await().indefinitely();
        RedisKeyspace.deleteByPrefix(keys.cohort(cohort, ""));
        assertEquals(1, client.get("/cohorts/" + cohort, owner).body().get("held").asInt());
        pool.query("UPDATE holds SET state = 'confirmed' WHERE id = '" + hold + "'").execute().await().indefinitely();

        String b = user();
        Reply queued = client.post("/cohorts/" + cohort + "/holds", b, null);
        assertEquals(202, queued.status(), "the only seat looks held: the next user waits");
        sleep(2500);

        assertEquals("confirmed", stateOf(hold), "the acknowledged confirm stands");
        Reply v = client.get("/cohorts/" + cohort, owner);
        assertEquals(1, v.body().get("confirmed").asInt(), v.body().toString());
        assertEquals(0, v.body().get("held").asInt(), v.body().toString());
        assertEquals(0, rows("SELECT count(*) FROM holds WHERE state = 'held' AND cohort_id = '" + cohort + "'"), "nobody holds the booked seat");
        assertProblem(client.post("/cohorts/" + cohort + "/holds", b, null), 409, "sold-out");
    }

    @Test
    void admissionAnalyticsAndHeatmap() {
        String owner = user();
        String cohort = client.cohort(owner, 3, Instant.now().plusSeconds(600), 60_000);
        for (int i = 0; i < 2; i++) {
            String u = user();
            String hold = client.post("/cohorts/" + cohort + "/holds", u, null).body().path("hold").path("holdId").asText();
            assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + hold + "/confirm", u, null).status());
        }
        client.post("/cohorts/" + cohort + "/holds", user(), null);
        Reply weeks = client.get("/cohorts/" + cohort + "/admissions?granularity=week&zone=Europe/Berlin", owner);
        assertEquals(200, weeks.status(), String.valueOf(weeks.body()));
        assertEquals("Europe/Berlin", weeks.text("zone"));
        assertEquals(1, weeks.body().get("buckets").size());
        assertEquals(3, weeks.body().get("buckets").get(0).get("applications").asInt());
        assertEquals(2, weeks.body().get("buckets").get(0).get("admissions").asInt());
        java.time.ZonedDateTime start = java.time.OffsetDateTime.parse(weeks.body().get("buckets").get(0).get("start").asText())
                .atZoneSameInstant(java.time.ZoneId.of("Europe/Berlin"));
        assertEquals(java.time.DayOfWeek.MONDAY, start.getDayOfWeek());
        assertEquals(0, start.getHour());
        Reply heat = client.get("/cohorts/" + cohort + "/heatmap", owner);
        assertEquals(200, heat.status());
        assertEquals(7, heat.body().get("cells").size());
        assertEquals(2, heat.body().get("max").asInt());
        assertProblem(client.get("/cohorts/" + cohort + "/admissions?zone=Mars/Olympus", owner), 400, "bad-request");
        assertProblem(client.get("/cohorts/" + cohort + "/admissions?granularity=year", owner), 400, "bad-request");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
