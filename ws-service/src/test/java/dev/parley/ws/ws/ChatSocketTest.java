package dev.parley.ws.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.ChatClient;
import dev.parley.devinfra.test.ChatPostgresTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.ws.config.PodIdentity;
import dev.parley.ws.config.WsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ChatPostgresTestResource.class, restrictToAnnotatedClass = true)
class ChatSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

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
    PodIdentity pod;
    @Inject
    WsConfig config;
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

    private static int handshakeStatus(Runnable connect) {
        try {
            connect.run();
            throw new AssertionError("handshake was accepted");
        } catch (CompletionException e) {
            assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void handshakeWithoutAValidTokenIsRefused() {
        assertEquals(401, handshakeStatus(() -> ChatClient.connect(ws(), null, "d")));
        assertEquals(401, handshakeStatus(() -> ChatClient.connect(ws(), "garbage", "d")));
        String forged = new TokenCodec("another-secret-another-secret-0123").mint("alice", null, Duration.ofMinutes(5));
        assertEquals(401, handshakeStatus(() -> ChatClient.connect(ws(), forged, "d")));
        String expired = tokens.mint("alice", null, Duration.ofMinutes(-5));
        assertEquals(401, handshakeStatus(() -> ChatClient.connect(ws(), expired, "d")));
        assertEquals(400, handshakeStatus(() -> ChatClient.connect(ws(), tokens.mint("alice", null, Duration.ofMinutes(5)), "bad device!")));
    }

    @Test
    void connectingRegistersPresenceAndThePod() {
        double welcomesBefore = metrics.counter("parley.ws.welcomes").count();
        try (ChatClient alice = connect("p-alice", "phone")) {
            ServerFrame welcome = alice.frames("welcome").get(0);
            assertEquals(welcomesBefore + 1, metrics.counter("parley.ws.welcomes").count());
            assertEquals("p-alice", welcome.user());
            assertEquals(pod.podId(), welcome.pod());
            assertEquals(pod.podId(), redis.hash(String.class).hget(keys.presence("p-alice"), "phone"));
            assertTrue(redis.sortedSet(String.class).zscore(keys.podRegistry(), pod.podId()).isPresent());
            assertEquals(pod.advertisedUrl(), redis.hash(String.class).hget(keys.podAddresses(), pod.podId()));
        }
        awaitTrue(() -> redis.hash(String.class).hget(keys.presence("p-alice"), "phone") == null);
    }

    @Test
    void aConnectionWhosePresenceCannotBeRegisteredIsClosedWithTryAgainLater() {
        // A real Redis error: the presence key holds a string, so HSET fails with WRONGTYPE.
        redis.value(String.class).set(keys.presence("p-wrongtype"), "not a hash");
        double welcomesBefore = metrics.counter("parley.ws.welcomes").count();
        try (ChatClient client = ChatClient.open(ws(), tokens.mint("p-wrongtype", null, Duration.ofMinutes(5)), "d1", true)) {
            assertEquals(ErrorCode.CLOSE_TRY_AGAIN_LATER, client.awaitClose(WAIT));
            assertTrue(client.frames("welcome").isEmpty(), "no welcome for an unregistered connection");
            assertEquals(welcomesBefore, metrics.counter("parley.ws.welcomes").count(), "and none counted");
        }
        assertEquals("not a hash", redis.value(String.class).get(keys.presence("p-wrongtype")), "nothing changed");
        // once the store accepts it again, the same user connects normally
        redis.key().del(keys.presence("p-wrongtype"));
        try (ChatClient client = connect("p-wrongtype", "d1")) {
            assertEquals(pod.podId(), redis.hash(String.class).hget(keys.presence("p-wrongtype"), "d1"));
        }
    }

    @Test
    void sendIsWrittenToKafkaKeyedByConversationAndAckedWithTheSeqOfItsEcho() {
        String conv = fixture.conversation("s-alice", "s-bob");
        try (ChatClient alice = connect("s-alice", "a1"); ChatClient bob = connect("s-bob", "b1")) {
            alice.send(ClientFrame.send("cm-1", conv, "hi bob"));
            ChatMessage written = fixture.inbound(Set.of(conv), 1, WAIT).get(0);
            assertEquals("hi bob", written.body());
            assertEquals(0, written.seq());
            assertEquals("s-alice", written.senderId());
            assertEquals(pod.podId(), written.senderPod());
            assertEquals(7, Character.getNumericValue(written.id().charAt(14)), "UUIDv7");
            assertTrue(alice.frames("ack").isEmpty(), "no ack before the sequenced echo");

            fixture.deliver(written, 1, pod.podId(), List.of("s-alice", "s-bob"));
            ServerFrame ack = alice.await(f -> "ack".equals(f.type()), WAIT);
            assertEquals("cm-1", ack.cmid());
            assertEquals(written.id(), ack.id());
            assertEquals(1L, ack.seq());
            assertEquals("sequenced", ack.status());
            ServerFrame msg = bob.await(f -> "msg".equals(f.type()), WAIT);
            assertEquals(written.id(), msg.message().id());
            assertEquals(1L, msg.message().seq());
            assertTrue(alice.frames("msg").isEmpty(), "the sending device gets the ack, not the message");
        }
    }

    @Test
    void aBatchOfPodEventsIsHandledInOrderAndABadEntryCostsOnlyItself() {
        String conv = fixture.conversation("b-alice", "b-bob");
        try (ChatClient alice = connect("b-alice", "a1"); ChatClient bob = connect("b-bob", "b1")) {
            alice.send(ClientFrame.send("cm-b", conv, "first"));
            ChatMessage sent = fixture.inbound(Set.of(conv), 1, WAIT).get(0).withSeq(1);
            ChatMessage second = fixture.message(conv, "b-bob", 2);
            ChatMessage third = fixture.message(conv, "b-bob", 3);
            fixture.store(sent);
            fixture.store(second);
            fixture.store(third);
            PodEvent noMessage = new PodEvent(PodEvent.MESSAGE, List.of("b-bob"), null, conv, null, 9L, null, null);
            PodEvent nested = PodEvent.batch(List.of(PodEvent.message(List.of("b-bob"), third)));
            redis.pubsub(String.class).publish(keys.podChannel(pod.podId()), Json.write(PodEvent.batch(List.of(
                    PodEvent.message(List.of("b-alice", "b-bob"), sent),
                    noMessage,
                    PodEvent.message(List.of("b-alice"), second),
                    nested,
                    PodEvent.message(List.of("b-bob"), third)))));

            assertEquals(sent.id(), alice.await(f -> "ack".equals(f.type()), WAIT).id(), "the batch completes the sender's ack");
            ServerFrame toAlice = alice.await(f -> "msg".equals(f.type()), WAIT);
            assertEquals(second.id(), toAlice.message().id());
            bob.await(f -> "msg".equals(f.type()) && f.message().id().equals(third.id()), WAIT);
            assertEquals(List.of(sent.id(), third.id()), bob.frames("msg").stream().map(f -> f.message().id()).toList(),
                    "in batch order; the entry without a message and the nested batch are dropped");
        }
    }

    @Test
    void aRetriedSendIsAnsweredWithTheOriginalAndWrittenOnce() {
        String conv = fixture.conversation("r-alice", "r-bob");
        try (ChatClient alice = connect("r-alice", "a1")) {
            alice.send(ClientFrame.send("same", conv, "once"));
            ChatMessage written = fixture.inbound(Set.of(conv), 1, WAIT).get(0);
            fixture.deliver(written, 1, pod.podId(), List.of("r-alice", "r-bob"));
            alice.await(f -> "ack".equals(f.type()), WAIT);

            alice.send(ClientFrame.send("same", conv, "once"));
            List<ServerFrame> acks = alice.awaitCount(f -> "ack".equals(f.type()), 2, WAIT);
            assertEquals(acks.get(0).id(), acks.get(1).id());
            assertEquals(1L, acks.get(1).seq());
            assertEquals(1, fixture.inbound(Set.of(conv), 2, Duration.ofSeconds(3)).size(), "written once");
            // the pending marker became the message id for the dedupe window (written behind the ack)
            String cmidKey = keys.clientMessage(conv, "r-alice", "same");
            assertEquals(written.id(), redis.value(String.class).get(cmidKey));
            assertTrue(redis.key().pttl(cmidKey) > Duration.ofHours(1).toMillis(), "kept for the dedupe window");

            // the same cmid in another conversation is another message, not a retry of this one
            String other = fixture.conversation("r-alice", "r-carol");
            alice.send(ClientFrame.send("same", other, "elsewhere"));
            ChatMessage second = fixture.inbound(Set.of(other), 1, WAIT).get(0);
            assertEquals("elsewhere", second.body());
            assertTrue(!second.id().equals(written.id()), "a new message id");
        }
    }

    @Test
    void withoutAnEchoTheSenderGetsAnAcceptedAckAfterTheTimeout() {
        String conv = fixture.conversation("t-alice", "t-bob");
        try (ChatClient alice = connect("t-alice", "a1")) {
            alice.send(ClientFrame.send("cm-t", conv, "anyone?"));
            ServerFrame ack = alice.await(f -> "ack".equals(f.type()), WAIT);
            assertEquals("accepted", ack.status());
            assertNull(ack.seq());
            assertEquals(1, fixture.inbound(Set.of(conv), 1, WAIT).size());
        }
    }

    @Test
    void everyRetriedSendWaitingForItsEchoGetsOneAnswerAndTheWindowIsWholeAgain() {
        // delivery-consumer stalled: no echo comes, every waiter gets "accepted" at the ack timeout
        String conv = fixture.conversation("w-alice", "w-bob");
        try (ChatClient alice = connect("w-alice", "a1")) {
            alice.send(ClientFrame.send("retried", conv, "once"));
            fixture.inbound(Set.of(conv), 1, WAIT);
            alice.send(ClientFrame.send("retried", conv, "once"));
            alice.send(ClientFrame.send("retried", conv, "once"));
            List<ServerFrame> acks = alice.awaitCount(f -> "ack".equals(f.type()), 3, WAIT);
            assertEquals(List.of("retried", "retried", "retried"), acks.stream().map(ServerFrame::cmid).toList());
            assertEquals(1, acks.stream().map(ServerFrame::id).distinct().count(), "one message");

            // the window is whole: as many sends as the limit allows are all taken, the next one is
            // refused with its own cmid
            int limit = config.inFlightLimit();
            for (int i = 0; i <= limit; i++) {
                alice.send(ClientFrame.send("w" + i, conv, "m" + i));
            }
            ServerFrame refused = alice.await(f -> "error".equals(f.type()), WAIT);
            assertEquals(ErrorCode.TOO_MANY_IN_FLIGHT, refused.code());
            assertEquals("w" + limit, refused.cmid());
            assertEquals(limit, alice.awaitCount(f -> "ack".equals(f.type()) && f.cmid().startsWith("w"), limit, WAIT).size());
        }
    }

    @Test
    void badFramesGetErrorCodesAndNothingIsWritten() {
        String conv = fixture.conversation("b-alice", "b-bob");
        String foreign = fixture.conversation("b-carol", "b-dave");
        try (ChatClient alice = connect("b-alice", "a1")) {
            alice.sendRaw("{not json");
            alice.sendRaw("{\"type\":\"send\",\"cmid\":\"x\",\"conv\":\"" + conv + "\",\"body\":\"b\",\"evil\":1}");
            alice.sendRaw("{\"type\":\"teleport\"}");
            alice.sendRaw("{\"type\":\"send\",\"conv\":\"" + conv + "\",\"body\":\"no cmid\"}");
            alice.sendRaw("{\"v\":2,\"type\":\"send\",\"cmid\":\"v2\",\"conv\":\"" + conv + "\",\"body\":\"b\"}");
            alice.send(ClientFrame.send("long", conv, "x".repeat(4001)));
            alice.sendRaw("{\"type\":\"send\",\"cmid\":\"big\",\"conv\":\"" + conv + "\",\"body\":\"" + "y".repeat(17_000) + "\"}");
            alice.send(ClientFrame.send("inj", "x'; DROP TABLE messages; --", "b"));
            alice.send(ClientFrame.send("foreign", foreign, "let me in"));
            alice.send(ClientFrame.send("nobody", "c-does-not-exist", "hello?"));
            List<ServerFrame> errors = alice.awaitCount(f -> "error".equals(f.type()), 10, WAIT);
            assertEquals(List.of(ErrorCode.MALFORMED, ErrorCode.MALFORMED, ErrorCode.UNKNOWN_TYPE, ErrorCode.INVALID,
                    ErrorCode.UNSUPPORTED_VERSION, ErrorCode.INVALID, ErrorCode.FRAME_TOO_LARGE, ErrorCode.INVALID,
                    ErrorCode.NOT_MEMBER, ErrorCode.NOT_MEMBER), errors.stream().map(ServerFrame::code).toList());
            assertEquals("foreign", errors.get(8).cmid());

            // the connection is still usable, and none of the above reached Kafka
            alice.send(ClientFrame.send("ok", conv, "fine"));
            List<ChatMessage> written = fixture.inbound(Set.of(conv, foreign), 2, Duration.ofSeconds(5));
            assertEquals(List.of("fine"), written.stream().map(ChatMessage::body).toList());
            assertEquals(1L, pg.query("SELECT count(*) FROM conversation_members WHERE conversation_id = '" + foreign + "'")
                    .execute().await().indefinitely().iterator().next().getLong(0) / 2);
        }
    }

    @Test
    void syncReturnsTheWholeGapOrSaysResyncNeverAPart() {
        String conv = fixture.conversation("y-alice", "y-bob");
        for (long seq = 1; seq <= 5; seq++) {
            fixture.store(fixture.message(conv, "y-bob", seq));
        }
        try (ChatClient alice = connect("y-alice", "a1")) {
            alice.send(ClientFrame.sync(Map.of(conv, 2L)));
            ServerFrame ok = alice.await(f -> "sync".equals(f.type()), WAIT);
            assertEquals("ok", ok.status());
            assertEquals(List.of(3L, 4L, 5L), ok.messages().stream().map(ChatMessage::seq).toList());

            alice.send(ClientFrame.sync(Map.of(conv, 5L)));
            ServerFrame upToDate = alice.awaitCount(f -> "sync".equals(f.type()), 2, WAIT).get(1);
            assertEquals("ok", upToDate.status());
            assertTrue(upToDate.messages().isEmpty());

            alice.send(ClientFrame.sync(Map.of(conv, 9L)));
            assertEquals("ahead_of_hot_window", alice.awaitCount(f -> "sync".equals(f.type()), 3, WAIT).get(2).reason());

            // a hole in the hot window: the gap cannot be served whole
            redis.sortedSet(String.class).zremrangebyscore(keys.conversationHot(conv),
                    new io.quarkus.redis.datasource.sortedset.ScoreRange<>(4.0, 4.0));
            alice.send(ClientFrame.sync(Map.of(conv, 2L)));
            ServerFrame hole = alice.awaitCount(f -> "sync".equals(f.type()), 4, WAIT).get(3);
            assertEquals("resync", hole.status());
            assertNull(hole.messages());
        }
    }

    @Test
    void readReceiptsTypingAndUnreadCounts() {
        String conv = fixture.conversation("u-alice", "u-bob");
        for (long seq = 1; seq <= 5; seq++) {
            fixture.store(fixture.message(conv, "u-alice", seq));
        }
        try (ChatClient alice = connect("u-alice", "a1"); ChatClient bob = connect("u-bob", "b1")) {
            bob.send(new ClientFrame(1, "unread", null, null, null, null, null, null));
            assertEquals(Map.of(conv, 5L), bob.await(f -> "unread".equals(f.type()), WAIT).counts());

            bob.send(ClientFrame.read(conv, 3));
            ServerFrame read = alice.await(f -> "read".equals(f.type()), WAIT);
            assertEquals("u-bob", read.user());
            assertEquals(3L, read.seq());
            assertEquals(2L, bob.awaitCount(f -> "unread".equals(f.type()), 2, WAIT).get(1).counts().get(conv));
            assertEquals(3L, pg.preparedQuery("SELECT read_seq FROM conversation_members WHERE conversation_id = $1 AND user_id = $2")
                    .execute(Tuple.of(conv, "u-bob")).await().indefinitely().iterator().next().getLong(0));

            bob.send(ClientFrame.read(conv, 1)); // never lowers
            assertEquals(2L, bob.awaitCount(f -> "unread".equals(f.type()), 3, WAIT).get(2).counts().get(conv));
            bob.send(ClientFrame.read(conv, 99));
            assertEquals(ErrorCode.INVALID, bob.await(f -> "error".equals(f.type()), WAIT).code());

            alice.send(ClientFrame.typing(conv, "start"));
            ServerFrame typing = bob.await(f -> "typing".equals(f.type()), WAIT);
            assertEquals("u-alice", typing.user());
            assertEquals("start", typing.state());
            assertTrue(alice.frames("typing").isEmpty());
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffWithoutStallingOthers() {
        String conv = fixture.conversation("z-slow", "z-fast");
        double before = metrics.counter("parley.ws.slow.consumers").count();
        ChatClient slow = ChatClient.connect(ws(), tokens.mint("z-slow", null, Duration.ofMinutes(5)), "s1", false);
        try (ChatClient fast = connect("z-fast", "f1")) {
            String body = "z".repeat(4000);
            for (long seq = 1; seq <= 3000 && metrics.counter("parley.ws.slow.consumers").count() == before; seq++) {
                ChatMessage m = new ChatMessage("id-" + seq, conv, seq, "z-fast", "f1", "elsewhere", "c" + seq, body, System.currentTimeMillis());
                redis.pubsub(String.class).publish(keys.podChannel(pod.podId()),
                        Json.write(PodEvent.message(List.of("z-slow"), m)));
            }
            awaitTrue(() -> metrics.counter("parley.ws.slow.consumers").count() > before);
            // forgotten at once (presence gone), without waiting for a close handshake it cannot finish
            awaitTrue(() -> redis.hash(String.class).hget(keys.presence("z-slow"), "s1") == null);
            // the pod still serves everyone else
            ChatMessage ping = fixture.message(conv, "z-slow", 9999);
            fixture.deliver(ping, 9999, pod.podId(), List.of("z-fast"));
            assertEquals(ping.id(), fast.await(f -> "msg".equals(f.type()), WAIT).message().id());
        } finally {
            slow.close();
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        awaitTrue(condition, WAIT);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + wait);
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
