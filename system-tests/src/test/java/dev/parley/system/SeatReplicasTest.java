package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.KafkaBroker;
import dev.parley.devinfra.Postgres;
import dev.parley.devinfra.RedisKeyspace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real seat-service replicas (separate JVMs) share Redis, PostgreSQL and Kafka: a rush split
 * across both never oversells, both report the same counts, and a change made on one replica is
 * pushed live to WebSocket subscribers of the other (Redis pub/sub fan-out).
 */
class SeatReplicasTest {

    private static final int SEATS = 50;
    private static final int USERS = 400;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static final String PREFIX = "seat" + UUID.randomUUID().toString().substring(0, 6);
    private static final String DATABASE = "parley_" + PREFIX;
    private static final Postgres POSTGRES = Postgres.local();
    private static KafkaBroker kafka;
    private static ServiceProcess replicaA;
    private static ServiceProcess replicaB;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("parley-seat-replicas-");
        kafka = KafkaBroker.start(KafkaBroker.freePort(), work.resolve("kafka"), "512m").stoppedWithThisJvm();
        Map<String, String> env = ChatFleet.isolatedEnv(kafka, POSTGRES, PREFIX, DATABASE);
        Path logs = Files.createDirectories(Path.of("target", "system-logs"));
        // one after the other: the first runs the Flyway migration
        replicaA = new ServiceProcess("seat-service", KafkaBroker.freePort(), env, logs).start();
        replicaA.awaitReady(ChatFleet.READY);
        replicaB = new ServiceProcess("seat-service", KafkaBroker.freePort(), env, logs).start();
        replicaB.awaitReady(ChatFleet.READY);
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess s : new ServiceProcess[] {replicaA, replicaB}) {
            if (s != null) {
                s.stop();
            }
        }
        if (kafka != null) {
            kafka.close();
        }
        POSTGRES.dropDatabase(DATABASE);
        RedisKeyspace.deleteByPrefix(PREFIX + ":");
    }

    @Test
    void aRushSplitAcrossTwoReplicasNeverOversellsAndEveryChangeReachesBothReplicasSubscribers() throws Exception {
        String cohort = post(replicaA, "/cohorts", "owner", Map.of(
                "title", "two replicas", "seats", SEATS,
                "deadline", Instant.now().plus(Duration.ofMinutes(10)).toString())).body().get("id").asText();
        Watcher onA = Watcher.open(replicaA, cohort, "watcher-a");
        Watcher onB = Watcher.open(replicaB, cohort, "watcher-b");

        Map<String, Integer> confirmedSeatByUser = new ConcurrentHashMap<>();
        Map<Integer, Integer> statusCounts = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<Void>> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String user = "u" + i;
            ServiceProcess replica = i % 2 == 0 ? replicaA : replicaB;
            inFlight.acquire();
            users.add(postAsync(replica, "/cohorts/" + cohort + "/holds", user, Map.of())
                    .thenCompose(hold -> {
                        statusCounts.merge(hold.status(), 1, Integer::sum);
                        if (hold.status() != 201) {
                            return CompletableFuture.completedFuture(null);
                        }
                        // confirm on the other replica: the hold must be known fleet-wide
                        ServiceProcess other = replica == replicaA ? replicaB : replicaA;
                        String holdId = hold.body().get("hold").get("holdId").asText();
                        return postAsync(other, "/cohorts/" + cohort + "/holds/" + holdId + "/confirm", user, null)
                                .thenAccept(confirm -> {
                                    assertEquals(200, confirm.status(), "confirm of " + user + ": " + confirm.body());
                                    confirmedSeatByUser.put(user, confirm.body().get("seat").asInt());
                                });
                    })
                    .whenComplete((x, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(users.toArray(CompletableFuture[]::new)).get(java.util.concurrent.TimeUnit.MINUTES.toSeconds(3),
                java.util.concurrent.TimeUnit.SECONDS);

        System.out.printf("seat replicas: hold answers by status %s, %d booked%n", statusCounts, confirmedSeatByUser.size());
        assertEquals(SEATS, confirmedSeatByUser.size(), "every seat booked once: " + statusCounts);
        assertEquals(SEATS, new HashSet<>(confirmedSeatByUser.values()).size(), "no seat twice");
        assertEquals(USERS, statusCounts.values().stream().mapToInt(Integer::intValue).sum(), "every request answered");
        assertTrue(Set.of(201, 202, 409).containsAll(statusCounts.keySet()), "held, queued or refused only: " + statusCounts);
        for (ServiceProcess replica : List.of(replicaA, replicaB)) {
            JsonNode view = get(replica, "/cohorts/" + cohort, "owner");
            assertEquals(SEATS, view.get("confirmed").asInt(), "confirmed as seen by " + replica.port());
            assertEquals(0, view.get("free").asInt());
        }
        try (Connection db = POSTGRES.connect(POSTGRES.jdbcUrl(DATABASE));
             PreparedStatement q = db.prepareStatement(
                     "SELECT count(*), count(DISTINCT seat_no), count(DISTINCT user_id) FROM holds WHERE cohort_id = ?::uuid AND state = 'confirmed'")) {
            q.setString(1, cohort);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                assertEquals(List.of((long) SEATS, (long) SEATS, (long) SEATS), List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                        "PostgreSQL: confirmed holds, distinct seats, distinct users");
            }
        }
        // Holds were made on one replica and confirmed on the other: each subscriber saw all of them.
        Set<String> booked = confirmedSeatByUser.keySet();
        for (Watcher w : List.of(onA, onB)) {
            Deadline.within(Duration.ofSeconds(20), () -> assertEquals(booked, w.usersWith("confirmed"), w.name + " saw every booking"));
            assertTrue(w.usersWith("held").containsAll(booked), w.name + " saw every hold");
        }
        onA.close();
        onB.close();
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer post(ServiceProcess replica, String path, String user, Object body) throws Exception {
        return postAsync(replica, path, user, body).get();
    }

    private static CompletableFuture<Answer> postAsync(ServiceProcess replica, String path, String user, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", FleetSecrets.internal("seat-service", user))
                .header("Idempotency-Key", UUID.randomUUID().toString());
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Answer(r.statusCode(), r.body().isBlank() ? null : Json.read(r.body(), JsonNode.class)));
    }

    private static JsonNode get(ServiceProcess replica, String path, String user) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(replica.baseUrl() + path))
                .header("Authorization", FleetSecrets.internal("seat-service", user)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.read(r.body(), JsonNode.class);
    }

    /** A WebSocket subscriber of one replica's live stream; keeps every event frame. */
    private static final class Watcher implements WebSocket.Listener {
        final String name;
        final ConcurrentLinkedQueue<JsonNode> events = new ConcurrentLinkedQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        private Watcher(String name) {
            this.name = name;
        }

        static Watcher open(ServiceProcess replica, String cohort, String user) {
            Watcher w = new Watcher(user + "@" + replica.port());
            w.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .header("Authorization", FleetSecrets.internal("seat-service", user))
                    .buildAsync(URI.create(replica.wsUrl() + "/cohorts/" + cohort + "/live"), w).join();
            // the first frame is the status snapshot: the subscription is live
            Deadline.within(Duration.ofSeconds(10), () -> assertTrue(!w.events.isEmpty(), w.name + " got no snapshot"));
            return w;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(Json.read(partial.toString(), JsonNode.class));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        Set<String> usersWith(String event) {
            Set<String> users = new HashSet<>();
            for (JsonNode e : events) {
                if (event.equals(e.path("event").asText()) && e.path("data").has("userId")) {
                    users.add(e.get("data").get("userId").asText());
                }
            }
            return users;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    /** Polls an assertion until it holds or the time is up (then its last failure is thrown). */
    private static final class Deadline {
        static void within(Duration timeout, Runnable assertion) {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                try {
                    assertion.run();
                    return;
                } catch (AssertionError e) {
                    if (System.nanoTime() > end) {
                        throw e;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }
}
