package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.BrokerClasspath;
import dev.parley.devinfra.test.ChatClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole fleet, each service its own JVM, used the way a client uses it: only through the
 * gateway (dev login, REST, the chat and seat WebSocket relays, the seat SSE relay) — and watched
 * by metrics-service, which must see every service work and see consumer lag build up while a
 * consumer group is down and drain when it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetThroughGatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ChatFleet fleet;
    private ServiceProcess seats;
    private ServiceProcess gateway;
    private ServiceProcess metrics;
    private String conversation;

    @BeforeAll
    void startFleet() throws Exception {
        fleet = new ChatFleet();
        seats = fleet.startSeatService();
        gateway = fleet.startGateway(seats, Map.of());
        // Scraped every second; the RED window spans the whole test, so the traffic of the first
        // tests is still in it however slow the machine is when the metrics test runs.
        metrics = fleet.startService("metrics-service", Map.of(
                "PARLEY_GATEWAY_URL", "http://127.0.0.1:" + gateway.port(),
                "PARLEY_WS_SERVICE_URL", fleet.wsA.baseUrl(),
                "PARLEY_DELIVERY_CONSUMER_URL", fleet.delivery.baseUrl(),
                "PARLEY_PERSISTENCE_CONSUMER_URL", fleet.persistence.baseUrl(),
                "PARLEY_SEAT_SERVICE_URL", seats.baseUrl(),
                "PARLEY_SCRAPE_INTERVAL", "1s",
                "PARLEY_SCRAPE_RED_WINDOW", "10m",
                "PARLEY_LAG_INTERVAL", "1s"));
        gateway.awaitReady(ChatFleet.READY);
        metrics.awaitReady(ChatFleet.READY);
    }

    @AfterAll
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    @Order(1)
    void twoUsersChatThroughTheGatewayRelay() {
        String ann = token("ann"), ben = token("ben");
        JsonNode conv = call("POST", "/api/conversations", ann, "{\"kind\":\"direct\",\"members\":[\"ann\",\"ben\"]}", 201, 200);
        conversation = conv.get("id").asText();
        JsonNode route = call("GET", "/api/route", ann, null, 200);
        assertEquals("/ws/chat", route.get("url").asText(), "clients are sent to the gateway's relay");
        assertTrue(route.get("direct").asText().startsWith("ws://127.0.0.1:"), route.toString());

        // The relay's first answer comes before the pipeline is warm: retry the first send until sequenced.
        try (ChatClient a = ChatClient.connect(gateway.wsUrl(), ann, "ann-laptop");
             ChatClient b = ChatClient.connect(gateway.wsUrl(), ben, "ben-phone")) {
            assertEquals("ann", a.await(f -> "welcome".equals(f.type()), WAIT).user());
            String first = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; first == null && System.nanoTime() < deadline; i++) {
                String cmid = "warm-" + i;
                a.send(ClientFrame.send(cmid, conversation, "hello ben"));
                ServerFrame ack = a.await(f -> "ack".equals(f.type()) && cmid.equals(f.cmid()), WAIT);
                first = "sequenced".equals(ack.status()) ? ack.id() : null;
            }
            assertNotNull(first, "a send through the relay was sequenced");
            String id = first;
            ServerFrame got = b.await(f -> "msg".equals(f.type()) && id.equals(f.message().id()), WAIT);
            assertEquals("ann", got.message().senderId());
            b.send(ClientFrame.send("reply-1", conversation, "hi ann"));
            ServerFrame reply = a.await(f -> "msg".equals(f.type()) && "reply-1".equals(f.message().clientMsgId()), WAIT);
            assertEquals("ben", reply.message().senderId(), "the pod saw the token's user, not anything the client claimed");
        }
        JsonNode page = await(() -> call("GET", "/api/conversations/" + conversation + "/messages?limit=50", ben, null, 200),
                p -> p.toString().contains("hi ann"));
        assertTrue(page.toString().contains("hello ben"));
    }

    @Test
    @Order(2)
    void seatsAreBookedThroughTheGatewayAndPushedOverItsRelays() throws Exception {
        String owner = token("olga"), cid = token("cid");
        JsonNode cohort = call("POST", "/api/cohorts", owner, "{\"title\":\"Edge\",\"seats\":2,\"deadline\":\""
                + Instant.now().plusSeconds(600) + "\"}", 201);
        String id = cohort.get("id").asText();
        assertEquals("olga", cohort.get("ownerId").asText());

        List<String> sse = new CopyOnWriteArrayList<>();
        HttpResponse<java.util.stream.Stream<String>> stream = HTTP.send(HttpRequest.newBuilder(
                URI.create(gateway.baseUrl() + "/api/cohorts/" + id + "/events?token=" + enc(cid))).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        Thread reader = new Thread(() -> {
            try {
                stream.body().forEach(sse::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // the stream is closed when the test ends
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        List<String> live = new CopyOnWriteArrayList<>();
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(gateway.wsUrl() + "/api/cohorts/" + id + "/live?token=" + enc(cid)),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        live.add(data.toString());
                        ws.request(1);
                        return null;
                    }
                }).join();
        try {
            waitUntil(() -> !sse.isEmpty() && !live.isEmpty(), "both streams opened with a snapshot");

            // A client-sent X-Parley-User is never believed: the hold is the token's user's.
            HttpResponse<String> held = send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/cohorts/" + id + "/holds"))
                    .header("Authorization", "Bearer " + cid).header("X-Parley-User", "mallory").header("Idempotency-Key", "edge-hold-1")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(201, held.statusCode(), held.body());
            JsonNode hold = Json.mapper().readTree(held.body()).get("hold");
            assertEquals("cid", hold.get("userId").asText());
            // The same Idempotency-Key through the gateway gets the same answer, not a second hold.
            HttpResponse<String> replay = send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/cohorts/" + id + "/holds"))
                    .header("Authorization", "Bearer " + cid).header("Idempotency-Key", "edge-hold-1")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
            assertEquals(held.body(), replay.body());

            String holdId = hold.get("holdId").asText();
            call("POST", "/api/cohorts/" + id + "/holds/" + holdId + "/confirm", cid, null, 200);
            waitUntil(() -> sse.stream().anyMatch(l -> l.contains("\"confirmed\"") || l.contains("event:confirmed") || l.contains("event: confirmed"))
                    && live.stream().anyMatch(l -> l.contains("confirmed") && l.contains(holdId)), "the booking reached both relayed streams");
            JsonNode me = call("GET", "/api/cohorts/" + id + "/me", cid, null, 200);
            assertEquals("confirmed", me.get("hold").get("state").asText());
            assertEquals(1, call("GET", "/api/cohorts/" + id, owner, null, 200).get("confirmed").asInt());
            // Only the owner may change the countdown: the caller is the token's user.
            call("POST", "/api/cohorts/" + id + "/pause", cid, null, 403);
        } finally {
            socket.abort();
            stream.body().close();
        }
    }

    @Test
    @Order(3)
    void metricsServiceSeesEveryServiceWork() {
        List<String> services = List.of("gateway", "ws-service", "delivery-consumer", "persistence-consumer", "seat-service");
        JsonNode views = await(() -> getJson(metrics.baseUrl() + "/api/services"), all -> services.stream().allMatch(s -> {
            JsonNode v = view(all, s);
            return v != null && v.path("reachable").asBoolean() && v.path("workPerSecond").asDouble() > 0;
        }));
        for (String s : services) {
            assertTrue(view(views, s).path("workPerSecond").asDouble() > 0, s + " is seen working: " + view(views, s));
        }
        assertTrue(view(views, "gateway").path("requestsPerSecond").asDouble() > 0, "gateway HTTP requests counted");
    }

    @Test
    @Order(4)
    void consumerLagBuildsWhileTheGroupIsDownAndDrainsWhenItIsBack() {
        fleet.delivery.stop();
        int messages = 30;
        try (ChatClient a = fleet.connect(fleet.wsA, "ann", "ann-lag")) {
            for (int i = 0; i < messages; i++) {
                a.send(ClientFrame.send("lag-" + i, conversation, "while delivery is down " + i));
            }
            a.awaitCount(f -> "ack".equals(f.type()) && f.cmid() != null && f.cmid().startsWith("lag-"), messages, WAIT);
        }
        JsonNode lag = await(() -> getJson(metrics.baseUrl() + "/api/lag"), l -> l.path("totalByGroup").path("delivery").asLong() >= messages);
        assertTrue(lag.path("totalByGroup").path("delivery").asLong() >= messages, lag.toString());
        String exported = await(() -> getText(metrics.baseUrl() + "/q/metrics"), m -> m.contains("parley_kafka_consumer_lag{group=\"delivery\""));
        assertTrue(exported.lines().anyMatch(l -> l.startsWith("parley_kafka_consumer_lag{group=\"delivery\"") && !l.endsWith(" 0.0")),
                "the lag is exported for autoscalers");

        fleet.delivery = fleet.startService("delivery-consumer", Map.of());
        fleet.delivery.awaitReady(ChatFleet.READY);
        JsonNode drained = await(() -> getJson(metrics.baseUrl() + "/api/lag"), l -> l.path("totalByGroup").path("delivery").asLong() == 0);
        assertEquals(0, drained.path("totalByGroup").path("delivery").asLong(), drained.toString());
    }

    /**
     * The k6 scripts call the paths of k6/lib/config.js (evaluated here by node, as k6 would): each
     * must be one the gateway serves — answered by the service behind it, not a 404 of the gateway.
     */
    @Test
    @Order(5)
    void everyK6PathIsServedByTheGateway() throws Exception {
        String owner = token("k6-owner");
        String cohort = call("POST", "/api/cohorts", owner, "{\"title\":\"k6\",\"seats\":1,\"deadline\":\""
                + Instant.now().plusSeconds(600) + "\"}", 201).get("id").asText();
        String hold = call("POST", "/api/cohorts/" + cohort + "/holds", owner, "{}", 201).get("hold").get("holdId").asText();
        java.nio.file.Path config = BrokerClasspath.projectRoot().resolve("k6/lib/config.js");
        String script = "globalThis.__ENV = {}; const { PATHS } = await import(process.argv[1]);"
                + "const [conv, cohort, hold] = process.argv.slice(2);"
                + "console.log(JSON.stringify({ conversations: PATHS.conversations, history: PATHS.history(conv),"
                + " cohorts: PATHS.cohorts, cohort: PATHS.cohort(cohort), holds: PATHS.holds(cohort),"
                + " confirm: PATHS.confirm(cohort, hold), events: PATHS.seatEvents(cohort), live: PATHS.seatLive(cohort),"
                + " devLogin: PATHS.devLogin, wsChat: PATHS.wsChat }));";
        Process node = new ProcessBuilder(System.getProperty("parley.node", "node"), "--input-type=module", "-e", script,
                config.toUri().toString(), conversation, cohort, hold).redirectErrorStream(true).start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, node.waitFor(), out);
        JsonNode paths = Json.mapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());

        assertEquals(conversation, call("GET", paths.get("history").asText(), token("ann"), null, 200).get("conversationId").asText());
        call("GET", paths.get("conversations").asText(), owner, null, 200);
        assertEquals(cohort, call("GET", paths.get("cohort").asText(), owner, null, 200).get("id").asText());
        call("POST", paths.get("holds").asText(), owner, "{}", 409);
        assertEquals("confirmed", call("POST", paths.get("confirm").asText(), owner, null, 200).get("state").asText());
        call("POST", paths.get("cohorts").asText(), owner, "{}", 400);
        HttpResponse<java.util.stream.Stream<String>> events = HTTP.send(HttpRequest.newBuilder(
                URI.create(gateway.baseUrl() + paths.get("events").asText() + "?token=" + enc(owner))).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, events.statusCode());
        assertTrue(events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        events.body().close();
        for (String ws : List.of(paths.get("wsChat").asText(), paths.get("live").asText())) {
            WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(gateway.wsUrl() + ws + "?token=" + enc(owner)),
                    new WebSocket.Listener() { }).join();
            socket.abort();
        }
    }

    // ------------------------------------------------------------------ helpers

    private String token(String user) {
        JsonNode login = call("POST", "/api/auth/dev-login", null, "{\"user\":\"" + user + "\"}", 200);
        return login.get("token").asText();
    }

    private JsonNode call(String method, String path, String token, String body, int... expected) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = send(b);
        for (int e : expected) {
            if (r.statusCode() == e) {
                try {
                    return r.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
                } catch (IOException ex) {
                    throw new AssertionError(method + " " + path + ": not JSON: " + r.body());
                }
            }
        }
        throw new AssertionError(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String getText(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))).body();
    }

    private static JsonNode getJson(String url) {
        try {
            return Json.mapper().readTree(getText(url));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode view(JsonNode all, String service) {
        for (JsonNode v : all) {
            if (service.equals(v.path("service").asText())) {
                return v;
            }
        }
        return null;
    }

    private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        T last = read.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            sleep(250);
            last = read.get();
        }
        return last;
    }

    private static void waitUntil(BooleanSupplier cond, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            sleep(100);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
