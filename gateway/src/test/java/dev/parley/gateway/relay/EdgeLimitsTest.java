package dev.parley.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.RawWebSocket;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.routing.PodDirectory;
import dev.parley.gateway.support.FakeEventStream;
import dev.parley.gateway.support.FakePersistence;
import dev.parley.gateway.support.Tokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's limits on connections (docs/gateway.md, "Connection limits"), with short figures:
 * half-sent requests are closed after the HTTP idle timeout, a user's relayed connections are
 * capped, and a relayed client that answers no pings is closed, while one that answers stays open
 * past every timeout. The pod is played by a WebSocket echo server.
 */
@QuarkusTest
@TestProfile(EdgeLimitsTest.ShortLimits.class)
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakeEventStream.class, restrictToAnnotatedClass = true)
class EdgeLimitsTest {

    static final int PER_USER = 3;
    static final Duration HTTP_IDLE = Duration.ofSeconds(2);
    static final Duration RELAY_IDLE = Duration.ofSeconds(3);

    public static class ShortLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // through the variable the shipped configuration reads, as a deployment would set it
            return Map.of("PARLEY_HTTP_IDLE_TIMEOUT", HTTP_IDLE.toSeconds() + "s",
                    "parley.gateway.relay.max-per-user", String.valueOf(PER_USER),
                    "parley.gateway.relay.ping-interval", "500ms",
                    "parley.gateway.relay.idle-timeout", RELAY_IDLE.toSeconds() + "s");
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;
    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    PodDirectory pods;
    @Inject
    UserRelaySlots userSlots;

    private Vertx vertx;

    @BeforeEach
    void startPod() throws Exception {
        vertx = Vertx.vertx();
        // Upgraded from the request handler: after other test classes in the same JVM, a Vert.x
        // server here has been seen to hand upgrade requests to the request handler instead of
        // the WebSocket handler; toWebSocket() serves both the same way.
        HttpServer pod = vertx.createHttpServer()
                .requestHandler(req -> req.toWebSocket()
                        .onSuccess(ws -> ws.textMessageHandler(ws::writeTextMessage))
                        .onFailure(e -> req.response().setStatusCode(400).end()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redis.sortedSet(String.class).zadd(keys.podRegistry(), System.currentTimeMillis() + 600_000, "ws-local");
        redis.hash(String.class).hset(keys.podAddresses(), "ws-local", "ws://127.0.0.1:" + pod.actualPort());
        pods.refresh().await().atMost(Duration.ofSeconds(5));
    }

    @AfterEach
    void stopPod() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String token(String user) {
        return URLEncoder.encode(Tokens.CODEC.mint(user, null, Duration.ofMinutes(5)), StandardCharsets.UTF_8);
    }

    /** Seconds until the server closes the connection after {@code partial} (fails if it never does). */
    private Duration closedAfter(String partial) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) HTTP_IDLE.plusSeconds(8).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(partial.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            try {
                while (in.read() >= 0) {
                    // whatever the server says, it must then close
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("a half-sent request was still open after " + HTTP_IDLE.plusSeconds(8));
            } catch (java.io.IOException reset) {
                // closed with a reset: closed all the same
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    @Test
    void halfSentRequestsAreClosedWithinTheIdleTimeout() throws Exception {
        Duration headers = closedAfter("GET /api/route HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthoriz");
        Duration body = closedAfter("POST /api/conversations HTTP/1.1\r\nHost: " + base.getHost()
                + "\r\nAuthorization: " + Tokens.bearer("half-body") + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"kind\":");
        for (Duration took : List.of(headers, body)) {
            assertTrue(took.compareTo(HTTP_IDLE.plusSeconds(2)) < 0, "closed within the idle timeout: " + took);
        }
    }

    @Test
    void aUsersRelayedConnectionsAreCappedAndTheSlotComesBack() throws Exception {
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_USER; i++) {
                RawWebSocket socket = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat?device=d" + i + "&token=" + token("cap-a"), Map.of());
                assertEquals(101, socket.status(), "socket " + (i + 1));
                open.add(socket);
            }
            try (RawWebSocket extra = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat?device=x&token=" + token("cap-a"), Map.of())) {
                assertEquals(429, extra.status(), "one more than the cap");
            }
            try (RawWebSocket other = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat?device=x&token=" + token("cap-b"), Map.of())) {
                assertEquals(101, other.status(), "another user is not affected");
            }
            open.remove(0).close();
            awaitTrue(() -> userSlots.openOf("cap-a") == PER_USER - 1);
            try (RawWebSocket again = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat?device=y&token=" + token("cap-a"), Map.of())) {
                assertEquals(101, again.status(), "a freed slot is usable again");
            }
        } finally {
            for (RawWebSocket s : open) {
                s.close();
            }
        }
        awaitTrue(() -> userSlots.openOf("cap-a") == 0 && userSlots.openOf("cap-b") == 0);
    }

    @Test
    void aRelayedClientThatAnswersNoPingIsClosedOneThatAnswersStaysPastEveryTimeout() throws Exception {
        CompletableFuture<String> echo = new CompletableFuture<>();
        WebSocket answering = HTTP.newWebSocketBuilder().buildAsync(
                URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/chat?device=a&token=" + token("idle-b")),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        echo.complete(data.toString());
                        return null;
                    }
                }).join();
        try (RawWebSocket silent = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat?device=s&token=" + token("idle-a"), Map.of())) {
            assertEquals(101, silent.status());
            long start = System.nanoTime();
            int code = silent.awaitClose(RELAY_IDLE.plusSeconds(8));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(RelayKeepalive.CLOSE_IDLE_TIMEOUT, code, "closed by the gateway for silence");
            assertTrue(took.compareTo(RELAY_IDLE.plusSeconds(2)) < 0, "within the relay's idle timeout: " + took);
        }
        // the JDK client answered every ping: open after more than both timeouts, and still relayed
        assertFalse(answering.isInputClosed() || answering.isOutputClosed());
        answering.sendText("still here", true).join();
        assertEquals("still here", echo.get(5, TimeUnit.SECONDS));
        answering.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void quietEventStreamsOutliveTheIdleTimeoutAndCountTowardsTheUsersCap() throws Exception {
        String url = "http://" + base.getHost() + ":" + base.getPort() + "/api/cohorts/c-1/events?token=" + token("sse-a");
        List<HttpResponse<java.util.stream.Stream<String>>> streams = new ArrayList<>();
        List<String> firstLines = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < PER_USER; i++) {
                HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofLines());
                assertEquals(200, r.statusCode(), "stream " + (i + 1));
                streams.add(r);
            }
            Thread reader = new Thread(() -> {
                try {
                    streams.get(0).body().forEach(firstLines::add);
                    firstLines.add("<end>");
                } catch (RuntimeException closedByTheTest) {
                    // closed at the end of the test
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
            HttpResponse<String> extra = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, extra.statusCode(), "one stream more than the cap");
            assertTrue(extra.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertTrue(extra.headers().firstValue("Retry-After").isPresent());

            Thread.sleep(HTTP_IDLE.plusSeconds(2).toMillis());
            assertTrue(firstLines.contains("data: {}"), "the event came through: " + firstLines);
            assertTrue(firstLines.contains(":"), "keepalive comments between events: " + firstLines);
            assertFalse(firstLines.contains("<end>"), "a quiet stream is not closed by the idle timeout");
        } finally {
            streams.forEach(r -> r.body().close());
        }
        awaitTrue(() -> userSlots.openOf("sse-a") == 0);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
