package dev.parley.seat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.seat.SeatClient;
import dev.parley.seat.SeatClient.Reply;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An answer that is an error changes nothing, and a stored value never breaks a read. The failure
 * after the commit is real: the holds table is renamed away, so the rebuild of the cohort's Redis
 * state (which the answer needs) fails after PostgreSQL took the change.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class SeatAtomicityTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    SeatClient client;

    @BeforeEach
    void client() {
        client = new SeatClient(url.toString());
    }

    private static String user() {
        return "u-" + UUID.randomUUID();
    }

    private void sql(String sql) {
        pool.query(sql).execute().await().indefinitely();
    }

    private Row row(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next();
    }

    private void dropLiveState(String cohort) {
        redis.key().del(keys.cohort(cohort, "meta"));
    }

    @Test
    void aFailureAfterTheCommitIsUndoneBeforeTheErrorIsAnswered() {
        String owner = user();
        String cohort = client.cohort(owner, 3, Instant.now().plusSeconds(600), 60_000);
        Row before = row("SELECT deadline, closed, paused_at IS NULL AS running FROM cohorts WHERE id = '" + cohort + "'");
        long cohorts = row("SELECT count(*) FROM cohorts").getLong(0);
        sql("ALTER TABLE holds RENAME TO holds_away");
        try {
            dropLiveState(cohort);
            for (String change : new String[] {"close", "pause", "extend"}) {
                Reply r = client.post("/cohorts/" + cohort + "/" + change, owner, "extend".equals(change) ? "{\"extendByMs\":60000}" : null);
                assertTrue(r.status() >= 500, change + " answered " + r.status() + " " + r.body());
            }
            Reply created = client.post("/cohorts", user(), "{\"title\":\"doomed\",\"seats\":2,\"deadline\":\""
                    + Instant.now().plusSeconds(600) + "\"}");
            assertTrue(created.status() >= 500, "create answered " + created.status() + " " + created.body());
        } finally {
            sql("ALTER TABLE holds_away RENAME TO holds");
        }
        Row after = row("SELECT deadline, closed, paused_at IS NULL AS running FROM cohorts WHERE id = '" + cohort + "'");
        assertEquals(false, after.getBoolean("closed"), "a close answered with an error did not close");
        assertEquals(true, after.getBoolean("running"), "a pause answered with an error did not pause");
        assertEquals(before.getOffsetDateTime("deadline"), after.getOffsetDateTime("deadline"), "an extend answered with an error did not move the deadline");
        assertEquals(cohorts, row("SELECT count(*) FROM cohorts").getLong(0), "a create answered with an error left no cohort");
        assertEquals(0, row("SELECT count(*) FROM cohorts WHERE title = 'doomed'").getLong(0));

        Reply view = client.get("/cohorts/" + cohort, owner);
        assertEquals(200, view.status(), String.valueOf(view.body()));
        assertEquals("open", view.text("state"));
        assertEquals(before.getOffsetDateTime("deadline").toInstant().toEpochMilli(), view.body().get("deadlineMs").asLong());
        assertEquals(200, client.post("/cohorts/" + cohort + "/close", owner, null).status(), "the owner can still close it");
    }

    @Test
    void storedTimesBeyondTheHorizonStillRead() {
        String owner = user();
        String far = client.cohort(owner, 2, Instant.now().plusSeconds(600), 60_000);
        String infinite = client.cohort(owner, 2, Instant.now().plusSeconds(600), 60_000);
        // Rows as an older version stored them: year 6000 (a Lua number prints it 1.9e+14) and 'infinity'.
        sql("UPDATE cohorts SET deadline = '6000-01-01T00:00:00Z' WHERE id = '" + far + "'");
        sql("UPDATE cohorts SET deadline = 'infinity', opens_at = '-infinity' WHERE id = '" + infinite + "'");
        dropLiveState(far);
        dropLiveState(infinite);

        Reply f = client.get("/cohorts/" + far, owner);
        assertEquals(200, f.status(), String.valueOf(f.body()));
        assertEquals(Instant.parse("6000-01-01T00:00:00Z").toEpochMilli(), f.body().get("deadlineMs").asLong());
        Reply i = client.get("/cohorts/" + infinite, owner);
        assertEquals(200, i.status(), String.valueOf(i.body()));
        assertEquals((1L << 53) - 1, i.body().get("deadlineMs").asLong(), "'infinity' reads as the largest exact time");
        for (String cohort : new String[] {far, infinite}) {
            String holder = user();
            Reply hold = client.post("/cohorts/" + cohort + "/holds", holder, null);
            assertEquals(201, hold.status(), String.valueOf(hold.body()));
            assertEquals(200, client.get("/cohorts/" + cohort + "/me", holder).status());
            assertEquals(200, client.get("/cohorts/" + cohort + "/seats", holder).status());
            Reply closed = client.post("/cohorts/" + cohort + "/close", owner, null);
            assertEquals(200, closed.status(), String.valueOf(closed.body()));
            assertEquals("closed", closed.text("state"));
        }
    }
}
