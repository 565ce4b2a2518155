package dev.parley.ws.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.devinfra.test.ChatClient;
import dev.parley.devinfra.test.ChatPostgresTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RawWebSocket;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.ws.config.WsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The abuse limits against the real service: frame rate per connection and per user, sockets per
 * user, and the idle timeout for sockets that never answer pings (docs/protocol.md, "Limits").
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ChatPostgresTestResource.class, restrictToAnnotatedClass = true)
class ConnectionLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/")
    URL base;
    @Inject
    TokenCodec tokens;
    @Inject
    RedisKeys keys;
    @Inject
    RedisDataSource redis;
    @Inject
    Pool pg;
    @Inject
    WsConfig config;
    @Inject
    ConnectionRegistry connections;
    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "parley.kafka.topic-prefix")
    String topicPrefix;

    private ChatFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ChatFixture(pg, redis, keys, bootstrap, topicPrefix + "parley.messages.inbound");
    }

    private String ws() {
        return "ws://" + base.getHost() + ":" + base.getPort();
    }

    private ChatClient connect(String user, String device) {
        return ChatClient.connect(ws(), tokens.mint(user, null, Duration.ofMinutes(5)), device);
    }

    private RawWebSocket raw(String user, String device) throws Exception {
        return RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat?device=" + device + "&token="
                + URLEncoder.encode(tokens.mint(user, null, Duration.ofMinutes(5)), StandardCharsets.UTF_8), Map.of());
    }

    @Test
    void aFloodIsRefusedThenClosedAndNothingAboveTheLimitIsStoredWhileOthersAreServed() {
        String conv = fixture.conversation("r-alice", "r-bob");
        String bobsConv = fixture.conversation("r-bob", "r-carol");
        WsConfig.Limits limits = config.limits();
        try (ChatClient alice = connect("r-alice", "d1"); ChatClient bob = connect("r-bob", "d1")) {
            long start = System.nanoTime();
            int sent = 0;
            try {
                for (; sent < 3_000 && !alice.isClosed(); sent++) {
                    alice.send(ClientFrame.send("f-" + sent, conv, "flood " + sent));
                    if (sent % 100 == 0) {
                        bob.send(ClientFrame.send("b-" + sent, bobsConv, "meanwhile " + sent));
                    }
                }
            } catch (CompletionException closedWhileSending) {
                // the server closed the socket under the flood
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(ErrorCode.CLOSE_POLICY_VIOLATION, alice.awaitClose(WAIT), "a client that keeps flooding is closed with 1008");

            List<ServerFrame> limited = alice.frames().stream()
                    .filter(f -> "error".equals(f.type()) && ErrorCode.RATE_LIMITED.equals(f.code())).toList();
            assertTrue(limited.size() >= limits.floodTolerance() / 2, "refused before the close: " + limited.size());
            assertTrue(limited.stream().allMatch(f -> f.cmid() != null && f.cmid().startsWith("f-") && conv.equals(f.conv())
                    && f.retryAfterMs() != null && f.retryAfterMs() > 0), "each refusal names its send and says when to retry");

            // the other user on the same pod: every frame served, none refused
            int bobsSends = (sent + 99) / 100;
            bob.awaitCount(f -> "ack".equals(f.type()), bobsSends, WAIT);
            bob.sendRaw("{\"type\":\"ping\"}");
            assertNotNull(bob.await(f -> "pong".equals(f.type()), WAIT));
            assertTrue(bob.frames("error").isEmpty(), "bob was never refused: " + bob.frames("error"));

            // Only what the buckets let through was written: the refused cmids are not claimed and
            // never reached Kafka, and no more than burst + rate × elapsed sends were taken.
            List<ChatMessage> written = fixture.inbound(Set.of(conv), Integer.MAX_VALUE, Duration.ofSeconds(5));
            Set<String> writtenCmids = written.stream().map(ChatMessage::clientMsgId).collect(Collectors.toSet());
            long bound = limits.frameBurst() + Math.round(Math.ceil(seconds + 1) * limits.frameRate());
            assertTrue(written.size() <= bound, written.size() + " written of " + sent + " sent in " + seconds + " s (bound " + bound + ")");
            for (ServerFrame refused : limited) {
                assertFalse(writtenCmids.contains(refused.cmid()), refused.cmid() + " was refused yet written");
                assertNull(redis.value(String.class).get(keys.clientMessage(conv, "r-alice", refused.cmid())), "claim of " + refused.cmid());
            }
            assertEquals(0, redis.sortedSet(String.class).zcard(keys.conversationHot(conv)), "nothing in the hot window");
            assertTrue(metrics.counter("parley.ws.frames.rate.limited", "scope", "connection").count() > 0);
        }
    }

    @Test
    void theConnectionsOfOneUserShareABucket() {
        String user = "u-alice";
        int perConnection = config.limits().frameBurst();
        int connectionsNeeded = config.limits().userFrameBurst() / perConnection + 1;
        List<ChatClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connectionsNeeded; i++) {
                clients.add(connect(user, "d" + i));
            }
            // each connection stays within its own burst; together they exceed the user's
            for (ChatClient c : clients) {
                for (int i = 0; i < perConnection - 10; i++) {
                    c.sendRaw("{\"type\":\"ping\"}");
                }
            }
            long limited = 0;
            for (ChatClient c : clients) {
                c.awaitCount(f -> "pong".equals(f.type()) || "error".equals(f.type()), perConnection - 10, WAIT);
                limited += c.frames("error").stream().filter(f -> ErrorCode.RATE_LIMITED.equals(f.code())).count();
            }
            assertTrue(limited > 0, "the user's bucket refused frames no connection's own bucket would have");
            assertTrue(metrics.counter("parley.ws.frames.rate.limited", "scope", "user").count() > 0);
        } finally {
            clients.forEach(ChatClient::close);
        }
    }

    @Test
    void theSocketAfterTheCapIsRefusedWith429AndTheUsersStateGoesWithItsLastSocket() throws Exception {
        String user = "s-alice";
        int cap = config.limits().socketsPerUser();
        List<ChatClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < cap; i++) {
                open.add(connect(user, "d" + i));
            }
            try (RawWebSocket extra = raw(user, "extra")) {
                assertEquals(429, extra.status(), "socket " + (cap + 1) + " of one user");
            }
            try (ChatClient other = connect("s-bob", "d1")) {
                other.sendRaw("{\"type\":\"ping\"}");
                assertNotNull(other.await(f -> "pong".equals(f.type()), WAIT), "another user is not affected");
            }
            open.remove(0).close();
            awaitTrue(() -> connections.connectionsOf(user) == cap - 1);
            try (RawWebSocket again = raw(user, "again")) {
                assertEquals(101, again.status(), "a freed slot can be used again");
                assertNotNull(again.awaitText("\"welcome\"", WAIT));
            }
        } finally {
            open.forEach(ChatClient::close);
        }
        awaitTrue(() -> !connections.users().contains(user) && connections.connectionsOf(user) == 0);
    }

    @Test
    void aSocketThatNeverAnswersPingsIsClosedWithinTheIdleTimeout() throws Exception {
        Duration timeout = config.limits().idleTimeout();
        try (RawWebSocket silent = raw("i-alice", "raw"); ChatClient answering = connect("i-bob", "d1")) {
            assertEquals(101, silent.status());
            assertNotNull(silent.awaitText("\"welcome\"", WAIT));
            long start = System.nanoTime();
            int code = silent.awaitClose(timeout.plusSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(ErrorCode.CLOSE_IDLE_TIMEOUT, code, "a socket that sends nothing and answers no ping");
            assertTrue(took.compareTo(timeout.minusSeconds(1)) > 0, "not before the timeout: " + took);
            assertTrue(took.compareTo(timeout.plus(config.limits().idleSweepInterval()).plusSeconds(2)) < 0, "within it: " + took);
            awaitTrue(() -> redis.hash(String.class).hget(keys.presence("i-alice"), "raw") == null);

            // a client that answers the pings stays, silent as it is
            assertFalse(answering.isClosed(), "a client that answers pings is kept");
            answering.sendRaw("{\"type\":\"ping\"}");
            assertNotNull(answering.await(f -> "pong".equals(f.type()), WAIT));
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
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
