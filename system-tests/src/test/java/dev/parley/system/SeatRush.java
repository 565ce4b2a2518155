package dev.parley.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A seat rush on seat-service while it is hit: every user holds a seat and confirms it, retrying a
 * refused connection or a 5xx with the same Idempotency-Key (as a client does) for a bounded time.
 * The outcome is checked against seat-service's PostgreSQL rows.
 */
final class SeatRush {

    /** The figures; {@code confirmedOk}: users whose confirm answered 2xx. */
    record Outcome(int seats, int users, Map<Integer, Integer> holdStatuses, Map<String, Integer> confirmedOk,
                   long confirmedInDb, long distinctSeatsInDb, long distinctUsersInDb, Set<String> okButNotInDb, int gaveUp) {

        boolean holds() {
            return confirmedInDb <= seats && confirmedInDb == distinctSeatsInDb && confirmedInDb == distinctUsersInDb
                    && okButNotInDb.isEmpty();
        }

        String line(String fault) {
            return String.format("%-22s oversold=%d lost-confirms=%d seat-twice=%d | seats=%d users=%d holds by status %s, 2xx confirms=%d, "
                            + "confirmed in PostgreSQL=%d (distinct seats %d, users %d), gave up=%d",
                    fault, Math.max(0, confirmedInDb - seats), okButNotInDb.size(), confirmedInDb - Math.min(distinctSeatsInDb, distinctUsersInDb),
                    seats, users, holdStatuses, confirmedOk.size(), confirmedInDb, distinctSeatsInDb, distinctUsersInDb, gaveUp);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration RETRY_FOR = Duration.ofSeconds(90);

    private SeatRush() {
    }

    /** Users arrive 20 ms apart; {@code faults} runs (in the background) once a third of them came. */
    static Outcome run(ServiceProcess seats, java.util.concurrent.Callable<Connection> database, int seatCount, int users, Runnable faults) throws Exception {
        JsonNode cohort = call(seats, "/cohorts", "owner", Map.of("title", "chaos rush", "seats", seatCount,
                "deadline", Instant.now().plus(Duration.ofMinutes(30)).toString()), UUID.randomUUID().toString());
        String id = cohort.get("body").get("id").asText();
        Map<Integer, Integer> holdStatuses = new ConcurrentHashMap<>();
        Map<String, Integer> confirmed = new ConcurrentHashMap<>();
        AtomicInteger gaveUp = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<?>> all = new ArrayList<>();
        ExecutorService faulting = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < users; i++) {
                String user = "rush" + i;
                all.add(pool.submit(() -> {
                    JsonNode hold = call(seats, "/cohorts/" + id + "/holds", user, Map.of(), UUID.randomUUID().toString());
                    int status = hold.get("status").asInt();
                    holdStatuses.merge(status, 1, Integer::sum);
                    if (status == 201) {
                        String holdId = hold.get("body").get("hold").get("holdId").asText();
                        JsonNode c = call(seats, "/cohorts/" + id + "/holds/" + holdId + "/confirm", user, null, UUID.randomUUID().toString());
                        if (c.get("status").asInt() / 100 == 2) {
                            confirmed.put(user, c.get("body").get("seat").asInt());
                        }
                    }
                    if (status >= 500 || status == 0) {
                        gaveUp.incrementAndGet();
                    }
                    return null;
                }));
                if (i == users / 3) {
                    all.add(faulting.submit(faults));
                }
                ChaosFleet.sleep(20);
            }
            for (Future<?> f : all) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            faulting.shutdownNow();
        }
        long[] db = new long[3];
        Set<String> usersInDb = new java.util.HashSet<>();
        try (Connection c = database.call();
             var q = c.prepareStatement("SELECT user_id, seat_no FROM holds WHERE cohort_id = ?::uuid AND state = 'confirmed'")) {
            q.setString(1, id);
            var rs = q.executeQuery();
            Set<Integer> seatsInDb = new java.util.HashSet<>();
            while (rs.next()) {
                db[0]++;
                usersInDb.add(rs.getString(1));
                seatsInDb.add(rs.getInt(2));
            }
            db[1] = seatsInDb.size();
            db[2] = usersInDb.size();
        }
        Set<String> missing = new java.util.TreeSet<>(confirmed.keySet());
        missing.removeAll(usersInDb);
        return new Outcome(seatCount, users, new HashMap<>(holdStatuses), confirmed, db[0], db[1], db[2], missing, gaveUp.get());
    }

    /** POST with retries on no answer or 5xx, same key; answers {status, body} (status 0: never answered). */
    private static JsonNode call(ServiceProcess seats, String path, String user, Object body, String key) {
        long deadline = System.nanoTime() + RETRY_FOR.toNanos();
        int status = 0;
        String text = "";
        while (System.nanoTime() < deadline) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(seats.baseUrl() + path)).timeout(Duration.ofSeconds(15))
                    .header("Authorization", FleetSecrets.internal("seat-service", user)).header("Idempotency-Key", key);
            r = body == null ? r.POST(HttpRequest.BodyPublishers.noBody())
                    : r.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
            try {
                HttpResponse<String> answer = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
                status = answer.statusCode();
                text = answer.body();
                if (status < 500) {
                    break;
                }
            } catch (java.io.IOException e) {
                status = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            ChaosFleet.sleep(300);
        }
        Map<String, Object> out = new HashMap<>();
        out.put("status", status);
        out.put("body", text == null || text.isBlank() || !text.trim().startsWith("{") ? Map.of() : Json.read(text, JsonNode.class));
        return Json.mapper().valueToTree(out);
    }
}
