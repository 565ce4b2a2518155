package dev.parley.seat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.RedisKeyspace;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.seat.SeatClient.Reply;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rush: 2,000 clients at once on a 100-seat cohort, over loopback, at most {@link #IN_FLIGHT}
 * requests in flight. Every operation is recorded and the history checked against PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class RushTest {

    static final int CLIENTS = 2000;
    static final int SEATS = 100;
    static final int IN_FLIGHT = 128;

    @TestHTTPResource("/")
    URL url;

    @Inject
    RedisKeys keys;

    @Inject
    Pool pool;

    SeatClient client;
    AsyncGate gate;

    @BeforeEach
    void setUp() {
        client = new SeatClient(url.toString());
        gate = new AsyncGate(IN_FLIGHT);
    }

    /** One recorded, acknowledged operation. */
    record Op(long atNanos, String kind, String user, String holdId, int seat) {
    }

    /** How one rush went. */
    static final class History {
        final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        final Map<String, String> outcome = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicInteger holdAcks = new AtomicInteger();

        void answer(String what) {
            answers.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** What a client does after it got a hold. */
    enum Behaviour { CONFIRM, ABANDON }

    @Test
    void exactlyHundredConfirmedUnderTwoThousandClients() {
        History h = rush(30_000, 0.0, false);
        checkHistory(h, false);
    }

    @Test
    void holdsExpiringMidRushAdmitTheQueueAndNeverOversell() {
        History h = rush(3000, 0.15, false);
        assertTrue(h.outcome.values().stream().filter("abandoned"::equals).count() > 0, "some holds were left to expire");
        checkHistory(h, true);
    }

    @Test
    void redisFlushedMidRushIsRebuiltFromPostgresql() {
        History h = rush(1500, 0.1, true);
        checkHistory(h, true);
    }

    private History rush(long ttlMs, double abandon, boolean flush) {
        String owner = "owner-" + ttlMs;
        String cohort = client.cohort(owner, SEATS, Instant.now().plusSeconds(120), ttlMs);
        History h = new History();
        Map<String, Behaviour> plan = new HashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            plan.put("rush-" + ttlMs + "-" + i, ThreadLocalRandom.current().nextDouble() < abandon ? Behaviour.ABANDON : Behaviour.CONFIRM);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
        if (flush) {
            // Lose every key of this test's Redis prefix twice mid-rush: quota, queue, buckets, idempotency.
            CompletableFuture.runAsync(() -> {
                waitFor(() -> h.holdAcks.get() >= 40, 20_000);
                RedisKeyspace.deleteByPrefix(keys.prefix());
                waitFor(() -> h.holdAcks.get() >= 90, 20_000);
                RedisKeyspace.deleteByPrefix(keys.prefix());
            });
        }
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (var e : plan.entrySet()) {
            clients.add(runClient(cohort, e.getKey(), e.getValue(), h, deadline));
        }
        long t0 = System.nanoTime();
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).orTimeout(100, TimeUnit.SECONDS).join();
        System.out.printf("rush ttl=%d took %d ms%n", ttlMs, (System.nanoTime() - t0) / 1_000_000);
        h.answers.forEach((k, v) -> System.out.printf("rush ttl=%d %s: %d%n", ttlMs, k, v.get()));
        assertTrue(h.unexpected.isEmpty(), "unexpected answers: " + h.unexpected.stream().limit(10).toList());
        assertEquals(CLIENTS, h.outcome.size(), "every client finished: " + h.outcome.size());
        // Wait for abandoned holds to end, in Redis and (after a loss) in PostgreSQL.
        waitFor(() -> count("SELECT count(*) FROM holds WHERE state = 'held' AND cohort_id = '" + cohort + "'") == 0, 20_000);
        h.outcome.put("__cohort", cohort);
        return h;
    }

    private CompletableFuture<Void> runClient(String cohort, String user, Behaviour b, History h, long deadline) {
        return step(cohort, user, b, h, deadline, 0);
    }

    private CompletableFuture<Void> step(String cohort, String user, Behaviour b, History h, long deadline, int attempt) {
        if (System.nanoTime() > deadline) {
            h.outcome.put(user, "gave-up");
            return CompletableFuture.completedFuture(null);
        }
        return call("POST", "/cohorts/" + cohort + "/holds", user, null).thenCompose(r -> {
            switch (r.status()) {
                case 201 -> {
                    JsonNode hold = r.body().get("hold");
                    return held(cohort, user, b, h, deadline, hold.get("holdId").asText(), hold.get("seat").asInt());
                }
                case 202 -> {
                    h.answer("queued");
                    return waitInQueue(cohort, user, b, h, deadline, r.body().get("position").asInt());
                }
                case 409 -> {
                    String type = r.text("type");
                    h.answer(type.substring(type.lastIndexOf('/') + 1));
                    if (type.endsWith("sold-out")) {
                        h.outcome.put(user, "sold-out");
                        return CompletableFuture.completedFuture(null);
                    }
                    if (type.endsWith("already-holding")) {
                        // Our hold was granted but we never saw it (a queue admission): carry on with it.
                        String holdState = r.text("holdState");
                        if ("confirmed".equals(holdState)) {
                            h.outcome.put(user, "confirmed-before");
                            return CompletableFuture.completedFuture(null);
                        }
                        return held(cohort, user, b, h, deadline, r.text("holdId"), r.body().get("seat").asInt());
                    }
                    if (type.endsWith("seat-conflict") || type.endsWith("idempotency-in-progress")) {
                        return later(50, () -> step(cohort, user, b, h, deadline, attempt + 1));
                    }
                    h.unexpected.add("hold 409 " + r.body());
                    h.outcome.put(user, "error");
                    return CompletableFuture.completedFuture(null);
                }
                case 429, 503 -> {
                    h.answer(String.valueOf(r.status()));
                    return later(r.status() == 429 ? 1000 : 100, () -> step(cohort, user, b, h, deadline, attempt + 1));
                }
                default -> {
                    h.unexpected.add("hold " + r.status() + " " + r.body());
                    h.outcome.put(user, "error");
                    return CompletableFuture.completedFuture(null);
                }
            }
        });
    }

    private CompletableFuture<Void> held(String cohort, String user, Behaviour b, History h, long deadline, String holdId, int seat) {
        h.ops.add(new Op(System.nanoTime(), "held", user, holdId, seat));
        h.holdAcks.incrementAndGet();
        h.answer("held");
        if (b == Behaviour.ABANDON) {
            h.outcome.put(user, "abandoned");
            return CompletableFuture.completedFuture(null);
        }
        return gate.run(true, () -> client.send("POST", "/cohorts/" + cohort + "/holds/" + holdId + "/confirm", user, null, null)).thenCompose(r -> {
            if (r.status() == 200) {
                h.ops.add(new Op(System.nanoTime(), "confirmed", user, holdId, seat));
                h.answer("confirmed");
                h.outcome.put(user, "confirmed");
                return CompletableFuture.completedFuture(null);
            }
            if (r.status() == 409 || r.status() == 404) {
                // The hold ended (expired, or lost with Redis before PostgreSQL had it): try again.
                h.answer("confirm-" + r.status() + "-" + r.text("type"));
                return step(cohort, user, b, h, deadline, 0);
            }
            if (r.status() == 429 || r.status() == 503) {
                h.answer("confirm-" + r.status());
                return later(r.status() == 429 ? 1000 : 100, () -> held(cohort, user, b, h, deadline, holdId, seat));
            }
            h.unexpected.add("confirm " + r.status() + " " + r.body());
            h.outcome.put(user, "error");
            return CompletableFuture.completedFuture(null);
        });
    }

    private CompletableFuture<Void> waitInQueue(String cohort, String user, Behaviour b, History h, long deadline, int position) {
        if (System.nanoTime() > deadline) {
            h.outcome.put(user, "gave-up");
            return CompletableFuture.completedFuture(null);
        }
        // Near the head, ask often; far back, rarely (a real client is told by push instead).
        long pause = Math.min(5000, 300 + 10L * position) + ThreadLocalRandom.current().nextInt(200);
        return later(pause, () -> call("GET", "/cohorts/" + cohort + "/me", user, null)
                .thenCompose(r -> {
                    if (r.status() != 200) {
                        h.unexpected.add("me " + r.status() + " " + r.body());
                        h.outcome.put(user, "error");
                        return CompletableFuture.completedFuture(null);
                    }
                    JsonNode hold = r.body().get("hold");
                    if (hold != null && "held".equals(hold.get("state").asText())) {
                        h.answer("admitted");
                        return held(cohort, user, b, h, deadline, hold.get("holdId").asText(), hold.get("seat").asInt());
                    }
                    if (r.body().has("queuePosition")) {
                        return waitInQueue(cohort, user, b, h, deadline, r.body().get("queuePosition").asInt());
                    }
                    // Out of the queue without a hold: sold out (queue cleared) or Redis lost the queue.
                    return step(cohort, user, b, h, deadline, 0);
                }));
    }

    private CompletableFuture<Reply> call(String method, String path, String user, String body) {
        return gate.run(false, () -> client.send(method, path, user, null, body));
    }

    private static CompletableFuture<Void> later(long ms, java.util.function.Supplier<CompletableFuture<Void>> next) {
        Executor delayed = CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> null, delayed).thenCompose(x -> next.get());
    }

    private void checkHistory(History h, boolean holdsEnded) {
        String cohort = h.outcome.remove("__cohort");
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery("SELECT id::text, user_id, seat_no, state FROM holds WHERE cohort_id = $1::uuid")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(cohort)).await().indefinitely().forEach(rows::add);
        Map<String, Row> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.getString(0), r));
        List<Row> confirmed = rows.stream().filter(r -> "confirmed".equals(r.getString(3))).toList();
        // Exactly N confirmed, no user twice, no seat twice.
        assertEquals(SEATS, confirmed.size(), "confirmed seats");
        assertEquals(SEATS, confirmed.stream().map(r -> r.getString(1)).distinct().count(), "distinct users");
        assertEquals(SEATS, confirmed.stream().map(r -> r.getInteger(2)).distinct().count(), "distinct seats");
        assertTrue(confirmed.stream().allMatch(r -> r.getInteger(2) >= 0 && r.getInteger(2) < SEATS));
        // Every acknowledged operation is in the system of record, and no acknowledged hold is left open.
        List<Op> ops = h.ops.stream().sorted((a, b) -> Long.compare(a.atNanos(), b.atNanos())).toList();
        Set<String> confirmedAcks = new HashSet<>();
        int maxConfirmed = 0;
        for (Op op : ops) {
            Row row = byId.get(op.holdId());
            assertTrue(row != null, "acknowledged hold " + op.holdId() + " is recorded");
            assertEquals(op.user(), row.getString(1));
            assertEquals(op.seat(), row.getInteger(2));
            if ("confirmed".equals(op.kind())) {
                confirmedAcks.add(op.holdId());
                maxConfirmed = Math.max(maxConfirmed, confirmedAcks.size());
                assertEquals("confirmed", row.getString(3), "an acknowledged confirm stays confirmed");
            } else {
                assertTrue(Set.of("confirmed", "released", "expired").contains(row.getString(3)),
                        "hold " + op.holdId() + " ended as " + row.getString(3));
            }
        }
        assertTrue(maxConfirmed <= SEATS, "confirmed never above N at any point: " + maxConfirmed);
        assertEquals(SEATS, confirmedAcks.size(), "every confirmed seat was acknowledged to its client");
        // Each user confirmed at most once in the client's own history.
        Map<String, Integer> perUser = new HashMap<>();
        ops.stream().filter(o -> "confirmed".equals(o.kind())).forEach(o -> perUser.merge(o.user(), 1, Integer::sum));
        assertTrue(perUser.values().stream().allMatch(n -> n == 1), "no user confirmed twice");
        // Every client got an answer that ended its attempt.
        long finished = h.outcome.values().stream().filter(o -> Set.of("confirmed", "sold-out", "abandoned", "confirmed-before").contains(o)).count();
        assertEquals(CLIENTS, finished, "outcomes: " + h.outcome.values().stream().collect(java.util.stream.Collectors.groupingBy(o -> o, java.util.stream.Collectors.counting())));
        if (holdsEnded) {
            assertTrue(rows.stream().anyMatch(r -> "expired".equals(r.getString(3))), "some holds expired mid-rush");
        }
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    static void waitFor(java.util.function.BooleanSupplier cond, long ms) {
        long end = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean() && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * At most n calls in flight; the rest wait their turn in FIFO order. Confirms use a priority
     * lane, as a client confirming its own hold does not queue behind other users' polls.
     */
    static final class AsyncGate {
        private final ConcurrentLinkedQueue<Runnable> urgent = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
        private final AtomicInteger free;

        AsyncGate(int n) {
            free = new AtomicInteger(n);
        }

        <T> CompletableFuture<T> run(boolean priority, java.util.function.Supplier<CompletableFuture<T>> call) {
            CompletableFuture<T> result = new CompletableFuture<>();
            (priority ? urgent : waiting).add(() -> call.get().whenComplete((v, e) -> {
                free.incrementAndGet();
                drain();
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(v);
                }
            }));
            drain();
            return result;
        }

        private void drain() {
            while (true) {
                int f = free.get();
                if (f == 0 || (waiting.isEmpty() && urgent.isEmpty())) {
                    return;
                }
                if (free.compareAndSet(f, f - 1)) {
                    Runnable r = urgent.poll();
                    if (r == null) {
                        r = waiting.poll();
                    }
                    if (r == null) {
                        free.incrementAndGet();
                        return;
                    }
                    r.run();
                }
            }
        }
    }
}
