package dev.parley.seat.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.seat.SeatClient;
import dev.parley.seat.messaging.SeatEvent;
import dev.parley.seat.messaging.SeatEventPublisher;
import dev.parley.seat.service.LuaScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** SSE with Last-Event-ID resume, WebSocket push, and fan-out through Redis pub/sub across replicas. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class LiveTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    LuaScripts scripts;

    @Inject
    SeatEventPublisher publisher;

    @Inject
    ReactiveRedisDataSource redis;

    /** An SSE frame as read off the wire. */
    record Sse(String id, String event, String data) {
    }

    /** Reads SSE frames on a background thread until closed. */
    static final class SseReader implements AutoCloseable {
        final BlockingQueue<Sse> frames = new LinkedBlockingQueue<>();
        final Stream<String> lines;

        SseReader(SeatClient client, String uri, String user, String lastEventId) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).header("Authorization", SeatClient.credential(user)).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<Stream<String>> r = client.http().send(b.build(), HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, r.statusCode());
            lines = r.body();
            Thread t = new Thread(() -> {
                String id = null, event = null;
                StringBuilder data = new StringBuilder();
                try {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.isEmpty()) {
                            if (event != null) {
                                frames.add(new Sse(id, event, data.toString()));
                            }
                            id = null;
                            event = null;
                            data.setLength(0);
                        } else if (line.startsWith("id:")) {
                            id = line.substring(3).trim();
                        } else if (line.startsWith("event:")) {
                            event = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5).trim());
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            }, "sse-reader");
            t.setDaemon(true);
            t.start();
        }

        Sse next(String event) throws InterruptedException {
            long end = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < end) {
                Sse f = frames.poll(200, TimeUnit.MILLISECONDS);
                if (f != null && f.event().equals(event)) {
                    return f;
                }
            }
            throw new AssertionError("no " + event + " frame");
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    @Test
    void sseResumesFromLastEventIdWithTheMissedEvents() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        String owner = "owner-" + UUID.randomUUID();
        String cohort = client.cohort(owner, 5, Instant.now().plusSeconds(600), 60_000);
        String events = url + "cohorts/" + cohort + "/events";
        String a = "a-" + UUID.randomUUID(), b = "b-" + UUID.randomUUID();
        String lastId;
        String holdA;
        try (SseReader sse = new SseReader(client, events, owner, null)) {
            Sse status = sse.next("status");
            assertTrue(Json.mapper().readTree(status.data()).has("serverTimeMs"));
            holdA = client.post("/cohorts/" + cohort + "/holds", a, null).body().get("hold").get("holdId").asText();
            Sse held = sse.next("held");
            assertNotNull(held.id());
            assertEquals(holdA, Json.mapper().readTree(held.data()).get("holdId").asText());
            lastId = held.id();
        }
        // While disconnected: a releases, b holds.
        assertEquals(200, client.post("/cohorts/" + cohort + "/holds/" + holdA + "/release", a, null).status());
        String holdB = client.post("/cohorts/" + cohort + "/holds", b, null).body().get("hold").get("holdId").asText();
        try (SseReader sse = new SseReader(client, events, owner, lastId)) {
            Sse released = sse.next("released");
            Sse heldB = sse.next("held");
            assertEquals(holdA, Json.mapper().readTree(released.data()).get("holdId").asText());
            assertEquals(holdB, Json.mapper().readTree(heldB.data()).get("holdId").asText());
            assertTrue(LiveHub.newer(released.id(), lastId) && LiveHub.newer(heldB.id(), released.id()), "in order, after the last seen id");
        }
        // An id the log cannot vouch for: told to resync, never given a partial gap.
        try (SseReader sse = new SseReader(client, events, owner, "garbage")) {
            assertNotNull(sse.next("resync"));
        }
    }

    @Test
    void webSocketSubscribersGetEventsFromAnyReplica() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        String owner = "owner-" + UUID.randomUUID();
        String cohort = client.cohort(owner, 5, Instant.now().plusSeconds(600), 60_000);
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        WebSocket ws = client.http().newWebSocketBuilder().header("Authorization", SeatClient.credential(owner))
                .buildAsync(URI.create(url.toString().replace("http", "ws") + "cohorts/" + cohort + "/live"), new WebSocket.Listener() {
                    final StringBuilder buf = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        buf.append(data);
                        if (last) {
                            try {
                                frames.add(Json.mapper().readTree(buf.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            buf.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        // A second replica is a second subscriber of the same Redis channel on its own connection.
        BlockingQueue<String> otherReplica = new LinkedBlockingQueue<>();
        Cancellable sub = redis.pubsub(String.class).subscribe(publisher.channel()).subscribe().with(otherReplica::add);
        try {
            assertEquals("status", waitFor(frames, "status").get("event").asText());
            Thread.sleep(300);
            // This replica's change reaches the other replica's channel ...
            String user = "u-" + UUID.randomUUID();
            assertEquals(201, client.post("/cohorts/" + cohort + "/holds", user, null).status());
            String seen = otherReplica.poll(10, TimeUnit.SECONDS);
            assertNotNull(seen, "the other replica got the event");
            assertTrue(seen.startsWith(cohort + "\n") && seen.contains(user));
            assertEquals(user, waitFor(frames, "held").get("data").get("userId").asText());
            // ... and an event published by another replica reaches this replica's WebSocket.
            SeatEvent remote = SeatEvent.hold("held", cohort, UUID.randomUUID().toString(), "from-replica-2", 4, 1L, System.currentTimeMillis());
            scripts.run(LuaScripts.Script.EMIT, List.of(publisher.logKey(cohort)),
                    List.of(publisher.channel(), cohort, Json.write(remote), "1000")).await().atMost(Duration.ofSeconds(5));
            JsonNode got = waitFor(frames, "held");
            assertEquals("from-replica-2", got.get("data").get("userId").asText());
            assertNotNull(got.get("id").asText());
        } finally {
            sub.cancel();
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    private static JsonNode waitFor(BlockingQueue<JsonNode> frames, String event) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < end) {
            JsonNode f = frames.poll(200, TimeUnit.MILLISECONDS);
            if (f != null && event.equals(f.get("event").asText())) {
                return f;
            }
        }
        throw new AssertionError("no " + event + " frame");
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
