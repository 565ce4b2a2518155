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
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The countdown: closed exactly at the deadline by server time; pause, resume and extend. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class CountdownTest {

    @TestHTTPResource("/")
    URL url;

    @Test
    void noHoldIsAcceptedAtOrAfterTheDeadline() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        String owner = "owner-" + UUID.randomUUID();
        String cohort = client.cohort(owner, 1000, Instant.now().plusMillis(2500), 60_000);
        long deadline = client.get("/cohorts/" + cohort, owner).body().get("deadlineMs").asLong();
        List<Reply> replies = new ArrayList<>();
        // Four clients keep asking across the deadline.
        List<CompletableFuture<List<Reply>>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(CompletableFuture.supplyAsync(() -> {
                List<Reply> mine = new ArrayList<>();
                while (System.currentTimeMillis() < deadline + 800) {
                    mine.add(client.post("/cohorts/" + cohort + "/holds", "u-" + UUID.randomUUID(), null));
                }
                return mine;
            }));
        }
        workers.forEach(f -> replies.addAll(f.join()));
        long held = replies.stream().filter(r -> r.status() == 201).count();
        // A fast machine asks for more than the 1,000 seats before the deadline: the rest wait in the room.
        long queued = replies.stream().filter(r -> r.status() == 202).count();
        long closed = replies.stream().filter(r -> r.status() == 409 && r.text("type").endsWith("/closed")).count();
        String tally = "held " + held + ", queued " + queued + ", closed " + closed + ", statuses "
                + replies.stream().collect(Collectors.groupingBy(Reply::status, TreeMap::new, Collectors.counting()));
        assertTrue(held > 0 && closed > 0, tally);
        assertEquals(replies.size(), held + queued + closed, "every answer is a hold, a place in the queue or closed: " + tally);
        for (Reply r : replies) {
            if (r.status() == 201 || r.status() == 202) {
                long served = r.body().get("serverTimeMs").asLong();
                assertTrue(served < deadline, "admitted at " + served + " >= deadline " + deadline);
            }
            if (r.status() == 201) {
                assertTrue(r.body().get("hold").get("expiresAtMs").asLong() <= deadline, "a hold never outlives the deadline");
            }
        }
        Reply after = client.get("/cohorts/" + cohort, owner);
        assertEquals("closed", after.text("state"));
        assertEquals(0, after.body().get("remainingMs").asLong());
    }

    @Test
    void pauseFreezesTheCountdownResumeGivesTheTimeBackExtendMovesIt() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        String owner = "owner-" + UUID.randomUUID();
        String cohort = client.cohort(owner, 10, Instant.now().plusSeconds(30), 60_000);
        long d0 = client.get("/cohorts/" + cohort, owner).body().get("deadlineMs").asLong();

        assertEquals(403, client.post("/cohorts/" + cohort + "/pause", "someone-else", null).status());
        Reply paused = client.post("/cohorts/" + cohort + "/pause", owner, null);
        assertEquals(200, paused.status(), String.valueOf(paused.body()));
        assertEquals("paused", paused.text("state"));
        long r1 = paused.body().get("remainingMs").asLong();
        Thread.sleep(400);
        Reply still = client.get("/cohorts/" + cohort, owner);
        assertEquals(r1, still.body().get("remainingMs").asLong(), "the countdown does not move while paused");
        Reply refused = client.post("/cohorts/" + cohort + "/holds", "u-1", null);
        assertEquals(409, refused.status());
        assertTrue(refused.text("type").endsWith("/paused"));
        assertEquals(409, client.post("/cohorts/" + cohort + "/pause", owner, null).status());

        Reply resumed = client.post("/cohorts/" + cohort + "/resume", owner, null);
        assertEquals(200, resumed.status());
        long d1 = resumed.body().get("deadlineMs").asLong();
        long pausedFor = d1 - d0;
        assertTrue(pausedFor >= 400 && pausedFor < 5000, "deadline moved by the pause: " + pausedFor);
        assertEquals(r1, d1 - resumed.body().get("serverTimeMs").asLong(), 5000);
        assertEquals(201, client.post("/cohorts/" + cohort + "/holds", "u-1", null).status());

        Reply extended = client.post("/cohorts/" + cohort + "/extend", owner, "{\"extendByMs\":5000}");
        assertEquals(200, extended.status());
        assertEquals(d1 + 5000, extended.body().get("deadlineMs").asLong());
        Reply closed = client.post("/cohorts/" + cohort + "/close", owner, null);
        assertEquals("closed", closed.text("state"));
        assertEquals(409, client.post("/cohorts/" + cohort + "/holds", "u-2", null).status());
    }
}
