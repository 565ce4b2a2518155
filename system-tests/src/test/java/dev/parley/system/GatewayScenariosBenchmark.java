package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The k6 scenarios (k6/chat.js, k6/seat-rush.js, k6/rest.js) run by a Java driver on this machine,
 * through the gateway as k6 would, each next to the same work sent straight to the service behind
 * the gateway (the baseline of the same run): what the edge — token check, two rate-limit scripts,
 * the relay hop — costs, as a ratio. Profile and size with -Dbench.k6.profile=smoke|load (the VU
 * counts of k6/lib) and -Dbench.k6.seconds.
 */
@Tag("bench")
class GatewayScenariosBenchmark {

    private static final String PROFILE = System.getProperty("bench.k6.profile", "smoke");
    private static final int SECONDS = Integer.getInteger("bench.k6.seconds", 20);
    private static final int WARMUP = Integer.getInteger("bench.k6.warmup", 15);
    private static final Map<String, Map<String, Integer>> VUS = Map.of(
            "chat", Map.of("smoke", 2, "load", 200),
            "seat-rush", Map.of("smoke", 5, "load", 300),
            "rest", Map.of("smoke", 2, "load", 100));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void k6ScenariosThroughTheGatewayAgainstTheServicesDirectly() throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder(String.format("profile %s, %d s per scenario%n", PROFILE, SECONDS));
        try (ChatFleet fleet = new ChatFleet()) {
            ServiceProcess seats = fleet.startSeatService();
            // All load comes from one address here, as from one k6 machine: the per-IP bucket is
            // opened wide, the per-user buckets stay as configured.
            ServiceProcess gateway = fleet.startGateway(seats, Map.of(
                    "PARLEY_GATEWAY_RATE_LIMIT_IP_CAPACITY", "1000000",
                    "PARLEY_GATEWAY_RATE_LIMIT_IP_REFILL_PER_SECOND", "1000000"));
            gateway.awaitReady(ChatFleet.READY);
            Edge edge = new Edge(gateway.baseUrl());

            // JIT warm-up of every service on both paths before anything is measured (not reported).
            chat(fleet, gateway.wsUrl(), gateway.wsUrl(), "wg", WARMUP);
            chat(fleet, fleet.wsA.wsUrl(), fleet.wsB.wsUrl(), "wd", WARMUP);

            Map<String, Object> chat = new LinkedHashMap<>();
            chat.put("gateway", chat(fleet, gateway.wsUrl(), gateway.wsUrl(), "g"));
            chat.put("direct", chat(fleet, fleet.wsA.wsUrl(), fleet.wsB.wsUrl(), "d"));
            report.put("chat", chat);

            Map<String, Object> rush = new LinkedHashMap<>();
            rush.put("gateway", rush(edge, "/api", null, "g"));
            rush.put("direct", rush(edge, seats.baseUrl(), seats.baseUrl(), "d"));
            report.put("seat-rush", rush);

            Map<String, Object> rest = new LinkedHashMap<>();
            rest.put("gateway", rest(fleet, edge, "/api", null, null, "g"));
            rest.put("direct", rest(fleet, edge, fleet.persistence.baseUrl(), seats.baseUrl(), seats.baseUrl(), "d"));
            report.put("rest", rest);

            for (String scenario : List.of("chat", "seat-rush", "rest")) {
                @SuppressWarnings("unchecked")
                Map<String, Map<String, Object>> s = (Map<String, Map<String, Object>>) report.get(scenario);
                for (String via : List.of("gateway", "direct")) {
                    text.append(String.format("%-10s %-8s %s%n", scenario, via, s.get(via)));
                }
                double g = p50(s.get("gateway")), d = p50(s.get("direct"));
                double ratio = Math.round(d / g * 1000) / 1000.0;
                s.put("directP50OverGatewayP50", Map.of("ratio", ratio));
                text.append(String.format("%-10s p50 direct / p50 through the gateway = %.3f%n", scenario, ratio));
            }
        }
        Path dir = Files.createDirectories(Path.of("target", "bench"));
        Files.writeString(dir.resolve("gateway-scenarios.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        Files.writeString(dir.resolve("gateway-scenarios.txt"), text.toString());
        System.out.print(text);
    }

    private static double p50(Map<String, Object> figures) {
        @SuppressWarnings("unchecked")
        List<Double> ms = (List<Double>) figures.get("ms");
        return Math.max(0.001, ms.get(0));
    }

    // ------------------------------------------------------------------ chat.js

    /** Pairs of users, one message per user per second (SEND_INTERVAL_MS 1000), send→delivered timed. */
    private Map<String, Object> chat(ChatFleet fleet, String wsOfA, String wsOfB, String tag) throws Exception {
        return chat(fleet, wsOfA, wsOfB, tag, SECONDS);
    }

    private Map<String, Object> chat(ChatFleet fleet, String wsOfA, String wsOfB, String tag, int seconds) throws Exception {
        int users = Math.max(2, VUS.get("chat").get(PROFILE) / 2 * 2);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Histogram latency = new ConcurrentHistogram(3);
        List<LoadClient> senders = new ArrayList<>();
        List<String> conversations = new ArrayList<>();
        List<LoadClient> all = new ArrayList<>();
        AtomicLong welcomed = new AtomicLong();
        for (int i = 0; i < users / 2; i++) {
            String a = "k6c" + tag + "a" + i, b = "k6c" + tag + "b" + i;
            conversations.add(fleet.conversation("direct", a, List.of(a, b)));
            java.util.function.Consumer<ServerFrame> frames = f -> {
                if ("welcome".equals(f.type())) {
                    welcomed.incrementAndGet();
                } else if ("ack".equals(f.type()) && f.cmid() != null) {
                    acked.add(f.cmid());
                } else if ("msg".equals(f.type())) {
                    Long t = sentAt.get(f.message().clientMsgId());
                    if (t != null && delivered.add(f.message().clientMsgId())) {
                        latency.recordValue((System.nanoTime() - t) / 1000);
                    }
                }
            };
            LoadClient ca = LoadClient.connect(wsOfA, fleet.tokens.mint(a, null, Duration.ofHours(1)), "k6-" + a, frames);
            LoadClient cb = LoadClient.connect(wsOfB, fleet.tokens.mint(b, null, Duration.ofHours(1)), "k6-" + b, frames);
            senders.add(ca);
            all.add(ca);
            all.add(cb);
        }
        // A client is online (and gets live deliveries) once it is welcomed; before that it would sync.
        long welcomeDeadline = System.nanoTime() + 30_000_000_000L;
        while (welcomed.get() < users && System.nanoTime() < welcomeDeadline) {
            Thread.sleep(10);
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < senders.size(); i++) {
                String cmid = tag + "-" + (n++);
                sentAt.put(cmid, System.nanoTime());
                senders.get(i).send(ClientFrame.send(cmid, conversations.get(i), "{\"k6\":true}"));
            }
            Thread.sleep(1000);
        }
        long drain = System.nanoTime() + 30_000_000_000L;
        while ((acked.size() < n || delivered.size() < acked.size()) && System.nanoTime() < drain) {
            Thread.sleep(20);
        }
        all.forEach(LoadClient::close);
        Set<String> lost = ConcurrentHashMap.newKeySet();
        lost.addAll(acked);
        lost.removeAll(delivered);
        assertEquals(0, lost.size(), "no acknowledged message lost (" + tag + ")");
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("users", users);
        figures.put("sent", n);
        figures.put("acked", acked.size());
        figures.put("delivered", delivered.size());
        figures.put("ms", percentiles(latency));
        return figures;
    }

    // ------------------------------------------------------------------ seat-rush.js

    /**
     * VUs hold and confirm on one cohort for the whole run; nothing may be oversold. 429 and 503
     * (with Retry-After: rate limited, or shed by a full bulkhead) are answers, and the VU waits as
     * told; the share of them is in the figures.
     */
    private Map<String, Object> rush(Edge edge, String base, String userHeaderBase, String tag) throws Exception {
        int vus = VUS.get("seat-rush").get(PROFILE);
        int seatCount = 50;
        String organizer = "k6r" + tag + "-org";
        JsonNode cohort = edge.call("POST", base + "/cohorts", organizer, userHeaderBase != null,
                "{\"title\":\"k6 rush\",\"seats\":" + seatCount + ",\"deadline\":\"" + Instant.now().plusSeconds(1800) + "\"}", "c-" + tag).json();
        String id = cohort.get("id").asText();
        Histogram holds = new ConcurrentHistogram(3);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong confirmed = new AtomicLong();
        runVus(vus, (vu, iteration) -> {
            String user = "k6r" + tag + "-" + vu;
            long t0 = System.nanoTime();
            Reply r = edge.call("POST", base + "/cohorts/" + id + "/holds", user, userHeaderBase != null, "{}", "h-" + user + "-" + iteration);
            holds.recordValue((System.nanoTime() - t0) / 1000);
            statuses.computeIfAbsent(r.status(), s -> new AtomicLong()).incrementAndGet();
            r.honourRetryAfter();
            if (r.status() == 201) {
                String hold = r.json().get("hold").get("holdId").asText();
                Reply c = edge.call("POST", base + "/cohorts/" + id + "/holds/" + hold + "/confirm", user, userHeaderBase != null, null, "c-" + hold);
                statuses.computeIfAbsent(c.status(), s -> new AtomicLong()).incrementAndGet();
                c.honourRetryAfter();
                if (c.status() == 200) {
                    confirmed.incrementAndGet();
                }
            }
            Thread.sleep(100);
        });
        JsonNode after = edge.call("GET", base + "/cohorts/" + id, organizer, userHeaderBase != null, null, null).json();
        assertTrue(after.get("confirmed").asInt() <= seatCount, "oversold: " + after);
        long unexpected = statuses.entrySet().stream()
                .filter(e -> !List.of(200, 201, 202, 409, 410, 429, 503).contains(e.getKey())).mapToLong(e -> e.getValue().get()).sum();
        long total = statuses.values().stream().mapToLong(AtomicLong::get).sum();
        assertTrue(unexpected <= total / 100, "unexpected answers " + statuses);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("vus", vus);
        figures.put("statuses", statuses);
        figures.put("confirmed", after.get("confirmed").asInt());
        figures.put("ms", percentiles(holds));
        return figures;
    }

    // ------------------------------------------------------------------ rest.js

    /** VUs read a history page and a cohort, then pause 0.5 s, for the whole run. */
    private Map<String, Object> rest(ChatFleet fleet, Edge edge, String chatBase, String seatBase, String userHeaderBase, String tag)
            throws Exception {
        int vus = VUS.get("rest").get(PROFILE);
        boolean direct = userHeaderBase != null;
        // Each VU its own user and conversation, as in k6/rest.js: rate limits apply per person.
        List<String> conversations = new ArrayList<>();
        for (int v = 0; v < vus; v++) {
            String user = "k6rest" + tag + v;
            conversations.add(fleet.conversation("direct", user, List.of(user, user + "-peer")));
        }
        String cohortBase = direct ? seatBase : chatBase;
        String cohort = edge.call("POST", cohortBase + "/cohorts", "k6rest" + tag + "-owner", direct,
                "{\"title\":\"k6 rest\",\"seats\":100,\"deadline\":\"" + Instant.now().plusSeconds(3600) + "\"}", "rc-" + tag).json().get("id").asText();
        Histogram reads = new ConcurrentHistogram(3);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        runVus(vus, (vu, iteration) -> {
            String user = "k6rest" + tag + vu;
            for (String path : List.of(chatBase + "/conversations/" + conversations.get(vu) + "/messages", cohortBase + "/cohorts/" + cohort)) {
                long t0 = System.nanoTime();
                Reply r = edge.call("GET", path, user, direct, null, null);
                reads.recordValue((System.nanoTime() - t0) / 1000);
                statuses.computeIfAbsent(r.status(), s -> new AtomicLong()).incrementAndGet();
                r.honourRetryAfter();
            }
            Thread.sleep(500);
        });
        long ok = statuses.getOrDefault(200, new AtomicLong()).get();
        long total = statuses.values().stream().mapToLong(AtomicLong::get).sum();
        long refused = statuses.getOrDefault(429, new AtomicLong()).get() + statuses.getOrDefault(503, new AtomicLong()).get();
        assertTrue(total - ok - refused <= total / 100, "error rate ≥ 1 %: " + statuses);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("vus", vus);
        figures.put("statuses", statuses);
        figures.put("ms", percentiles(reads));
        return figures;
    }

    // ------------------------------------------------------------------ driver

    interface Iteration {
        void run(int vu, int iteration) throws Exception;
    }

    /** k6's constant-vus: each VU loops its iteration until the run's time is up. */
    private static void runVus(int vus, Iteration body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(vus);
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int v = 0; v < vus; v++) {
                int vu = v;
                running.add(pool.submit(() -> {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        body.run(vu, i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Double> percentiles(Histogram h) {
        return List.of(h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(95) / 1000.0, h.getValueAtPercentile(99) / 1000.0);
    }

    record Reply(int status, String body, long retryAfterSeconds) {

        /** A 429 or 503 asks the client to come back later: a well-behaved client (and VU) waits. */
        void honourRetryAfter() throws InterruptedException {
            if (status == 429 || status == 503) {
                Thread.sleep(Math.max(1, retryAfterSeconds) * 1000);
            }
        }

        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body);
            }
        }
    }

    /**
     * Calls as k6 does: through the gateway with a dev-login token per user (paths starting with
     * /api), or straight to a service with the X-Parley-User the gateway would have set.
     */
    static final class Edge {
        private final String gateway;
        private final Map<String, String> tokens = new ConcurrentHashMap<>();

        Edge(String gateway) {
            this.gateway = gateway;
        }

        Reply call(String method, String pathOrUrl, String user, boolean direct, String body, String idempotencyKey) throws IOException {
            String url = direct ? pathOrUrl : gateway + pathOrUrl;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (direct) {
                // the credential the gateway would mint for the service the path belongs to
                String service = URI.create(url).getPath().startsWith("/cohorts") ? "seat-service" : "persistence-consumer";
                b.header("Authorization", FleetSecrets.internal(service, user));
            } else {
                b.header("Authorization", "Bearer " + tokens.computeIfAbsent(user, this::login));
            }
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (idempotencyKey != null) {
                b.header("Idempotency-Key", idempotencyKey);
            }
            try {
                HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
                long retryAfter = r.headers().firstValue("Retry-After").map(v -> {
                    try {
                        return Long.parseLong(v.trim());
                    } catch (NumberFormatException e) {
                        return 1L;
                    }
                }).orElse(1L);
                return new Reply(r.statusCode(), r.body(), retryAfter);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        /** A dev-login token; a VU that is shed or limited while logging in waits as told and tries again. */
        private String login(String user) {
            try {
                for (int attempt = 0; ; attempt++) {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway + "/api/auth/dev-login"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return Json.mapper().readTree(r.body()).get("token").asText();
                    }
                    if ((r.statusCode() != 429 && r.statusCode() != 503) || attempt == 30) {
                        throw new IllegalStateException("dev login of " + user + ": " + r.statusCode() + " " + r.body());
                    }
                    Thread.sleep(1000);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
