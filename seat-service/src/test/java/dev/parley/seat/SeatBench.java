package dev.parley.seat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.seat.SeatClient.Reply;
import dev.parley.seat.service.LuaScripts;
import dev.parley.seat.service.LuaScripts.Script;
import dev.parley.seat.service.SeatService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Holds + confirms per second through the whole service (HTTP, token bucket, Lua, PostgreSQL,
 * events) at zero oversell, against the raw EVALSHA rate of the same hold and confirm scripts
 * measured in the same run: the ratio says what the service costs on top of Redis.
 */
@Tag("bench")
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class SeatBench {

    static final int PAIRS = 3000;
    static final int IN_FLIGHT = 64;
    static final int SEATS = 10_000;

    @TestHTTPResource("/")
    URL url;

    @Inject
    LuaScripts scripts;

    @Inject
    Pool pool;

    @Test
    void holdsAndConfirmsPerSecond() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        // Warm-up (JIT, connections), then the raw script rate, then the service rate.
        String warm = client.cohort("bench", SEATS, Instant.now().plusSeconds(600), 120_000);
        run(500, i -> service(client, warm, "w" + i), new Histogram(3));

        String rawCohort = client.cohort("bench", SEATS, Instant.now().plusSeconds(600), 120_000);
        Histogram rawLatency = new Histogram(3);
        double rawSeconds = run(PAIRS, i -> raw(rawCohort, "r" + i), rawLatency);

        String cohort = client.cohort("bench", SEATS, Instant.now().plusSeconds(600), 120_000);
        Histogram latency = new Histogram(3);
        double seconds = run(PAIRS, i -> service(client, cohort, "s" + i), latency);

        long confirmed = pool.query("SELECT count(*) FROM holds WHERE state = 'confirmed' AND cohort_id = '" + cohort + "'")
                .execute().await().indefinitely().iterator().next().getLong(0);
        long seats = pool.query("SELECT count(DISTINCT seat_no) FROM holds WHERE state = 'confirmed' AND cohort_id = '" + cohort + "'")
                .execute().await().indefinitely().iterator().next().getLong(0);
        assertEquals(PAIRS, confirmed, "every pair confirmed");
        assertEquals(confirmed, seats, "no seat twice: zero oversell");

        double rate = PAIRS / seconds;
        double rawRate = PAIRS / rawSeconds;
        String json = String.format(Locale.ROOT, """
                {"name":"seat","pairs":%d,"inFlight":%d,"service":{"pairsPerSecond":%.1f,"p50Ms":%.2f,"p99Ms":%.2f},\
                "rawEvalsha":{"pairsPerSecond":%.1f,"p50Ms":%.2f,"p99Ms":%.2f},"ratio":%.4f,"oversold":%d}
                """, PAIRS, IN_FLIGHT, rate, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                rawRate, rawLatency.getValueAtPercentile(50) / 1000.0, rawLatency.getValueAtPercentile(99) / 1000.0, rate / rawRate,
                confirmed - seats);
        String txt = String.format(Locale.ROOT, """
                seat-service hold+confirm, %d pairs, %d in flight, loopback
                  service (HTTP + token bucket + Lua + PostgreSQL + events): %.0f pairs/s  p50 %.2f ms  p99 %.2f ms
                  raw EVALSHA hold.lua + confirm.lua (baseline, same run):    %.0f pairs/s  p50 %.2f ms  p99 %.2f ms
                  ratio service/raw: %.3f   oversold: %d
                """, PAIRS, IN_FLIGHT, rate, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                rawRate, rawLatency.getValueAtPercentile(50) / 1000.0, rawLatency.getValueAtPercentile(99) / 1000.0, rate / rawRate,
                confirmed - seats);
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("seat.json"), json);
        Files.writeString(dir.resolve("seat.txt"), txt);
        System.out.print(txt);
    }

    private CompletableFuture<Void> service(SeatClient client, String cohort, String user) {
        return client.send("POST", "/cohorts/" + cohort + "/holds", user, null, null).thenCompose(h -> {
            if (h.status() != 201) {
                throw new IllegalStateException("hold " + h.status() + " " + h.body());
            }
            String id = h.body().get("hold").get("holdId").asText();
            return client.send("POST", "/cohorts/" + cohort + "/holds/" + id + "/confirm", user, null, null);
        }).thenAccept((Reply c) -> {
            if (c.status() != 200) {
                throw new IllegalStateException("confirm " + c.status() + " " + c.body());
            }
        });
    }

    private CompletableFuture<Void> raw(String cohort, String user) {
        String id = SeatService.newId().toString();
        return scripts.cohort(Script.HOLD, cohort, List.of(user, id, ""))
                .chain(() -> scripts.cohort(Script.CONFIRM, cohort, List.of(user, id)))
                .replaceWithVoid().subscribeAsCompletionStage();
    }

    /** Runs n operations with at most IN_FLIGHT at once; returns elapsed seconds. */
    private static double run(int n, IntFunction<CompletableFuture<Void>> op, Histogram latency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int l = 0; l < IN_FLIGHT; l++) {
            lanes.add(lane(next, n, op, latency));
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static CompletableFuture<Void> lane(AtomicInteger next, int n, IntFunction<CompletableFuture<Void>> op, Histogram latency) {
        int i = next.getAndIncrement();
        if (i >= n) {
            return CompletableFuture.completedFuture(null);
        }
        long start = System.nanoTime();
        return op.apply(i).thenCompose(x -> {
            synchronized (latency) {
                latency.recordValue((System.nanoTime() - start) / 1000);
            }
            return lane(next, n, op, latency);
        });
    }
}
