package dev.parley.seat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.seat.SeatClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A cohort the sweeper cannot process is skipped (counted, logged once), not retried every 100 ms
 * forever, and the others are still swept. %test sets parley.seat.sweep-skip to 3 s.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class SweeperSkipTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    RedisDataSource redis;

    @Inject
    RedisKeys keys;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    /**
     * Read strictly: a missing meter fails instead of reading as 0. The registry is Micrometer's
     * global one, shared by every Quarkus app of this test JVM (see Sweeper#stop).
     */
    private double skips() {
        return registry.get("parley.seat.sweep.skipped").counter().count();
    }

    /** Cohorts the sweeper currently skips. */
    private double skippedCohorts() {
        return registry.get("parley.seat.sweep.skipped.cohorts").gauge().value();
    }

    @Test
    void aCohortThatCannotBeSweptIsSkippedAndLoggedOnceWhileOthersAreStillSwept() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        String broken = client.cohort("owner-" + UUID.randomUUID(), 2, Instant.now().plusSeconds(600), 60_000);
        String healthy = client.cohort("owner-" + UUID.randomUUID(), 2, Instant.now().plusSeconds(600), 300);
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String msg = r.getParameters() == null ? r.getMessage() : String.format(r.getMessage(), r.getParameters());
                if (String.valueOf(msg).contains(broken)) {
                    logged.add(msg);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger sweeperLog = Logger.getLogger(Sweeper.class.getName());
        sweeperLog.addHandler(capture);
        try {
            double before = skips();
            // The cohort's live state becomes unusable: the expiry script fails on it every time.
            redis.hash(String.class).hset(keys.cohort(broken, "meta"), "deadline", "not-a-number");
            Thread.sleep(2000);
            assertEquals(1, logged.size(), "logged once, not every 100 ms: " + logged.size() + " " + (logged.isEmpty() ? "" : logged.get(0)));
            assertEquals(1, skips() - before, 0.0001, "one failed attempt in 2 s: the cohort is skipped, not retried every tick");
            assertEquals(1, skippedCohorts(), 0.0001, "the gauge reads this app's sweeper");

            // Meanwhile the other cohort's holds still expire on time.
            String holder = "h-" + UUID.randomUUID();
            String holdId = client.post("/cohorts/" + healthy + "/holds", holder, null).body().path("hold").path("holdId").asText();
            long deadline = System.currentTimeMillis() + 5000;
            String state = "held";
            while (!"expired".equals(state) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                state = pool.query("SELECT state FROM holds WHERE id = '" + holdId + "'").execute().await().indefinitely()
                        .iterator().next().getString(0);
            }
            assertEquals("expired", state, "the healthy cohort is still swept");

            // Repaired, the cohort is swept again after the pause.
            redis.hash(String.class).hset(keys.cohort(broken, "meta"), "deadline", String.valueOf(System.currentTimeMillis() + 600_000));
            deadline = System.currentTimeMillis() + 8000;
            while (skippedCohorts() != 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, skippedCohorts(), 0.0001, "swept again once it can be");
        } finally {
            sweeperLog.removeHandler(capture);
        }
    }
}
