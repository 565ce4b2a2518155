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
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.ChatClient;
import dev.parley.devinfra.test.ChatPostgresTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RawWebSocket;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.TokenCodec;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a hostile or broken client sends: text no store can keep as it was acknowledged, values of
 * the wrong JSON type, frames too large or not UTF-8, tokens with bytes appended. Each is refused
 * with an error frame or a close code, and nothing reaches Kafka.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ChatPostgresTestResource.class, restrictToAnnotatedClass = true)
class HostileInputTest {

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

    private String token(String user) {
        return tokens.mint(user, null, Duration.ofMinutes(5));
    }

    private ChatClient connect(String user) {
        return ChatClient.connect(ws(), token(user), "d1");
    }

    private RawWebSocket raw(String user) throws Exception {
        RawWebSocket socket = RawWebSocket.open(base.getHost(), base.getPort(),
                "/ws/chat?device=raw&token=" + URLEncoder.encode(token(user), StandardCharsets.UTF_8), Map.of());
        assertEquals(101, socket.status());
        assertNotNull(socket.awaitText("\"welcome\"", WAIT), "welcome");
        return socket;
    }

    private static String send(String cmid, String conv, String bodyJson) {
        return "{\"type\":\"send\",\"cmid\":\"" + cmid + "\",\"conv\":\"" + conv + "\",\"body\":" + bodyJson + "}";
    }

    @Test
    void aSendNoStoreCanKeepAsAckedIsRefusedBeforeTheAckWithItsCmid() {
        String conv = fixture.conversation("h-alice", "h-bob");
        String emoji = "\uD83D\uDE00"; // one character for PostgreSQL, two UTF-16 units for Java
        try (ChatClient alice = connect("h-alice")) {
            alice.send(ClientFrame.send("nul", conv, "before\u0000after"));
            alice.sendRaw(send("nul-escaped", conv, "\"a\\u0000b\""));
            alice.sendRaw(send("high", conv, "\"lone \\ud800 high\""));
            alice.sendRaw(send("low", conv, "\"lone \\udc00 low\""));
            alice.sendRaw(send("reversed", conv, "\"\\ude00\\ud83d\""));
            alice.send(ClientFrame.send("too-long", conv, emoji.repeat(4001)));
            List<ServerFrame> errors = alice.awaitCount(f -> "error".equals(f.type()), 6, WAIT);
            assertEquals(List.of("nul", "nul-escaped", "high", "low", "reversed", "too-long"),
                    errors.stream().map(ServerFrame::cmid).toList(), "each refusal names its send");
            assertTrue(errors.stream().allMatch(e -> ErrorCode.INVALID.equals(e.code()) && conv.equals(e.conv())),
                    errors.stream().map(Json::write).toList().toString());
            assertTrue(errors.get(0).reason().contains("NUL"), errors.get(0).reason());
            assertTrue(errors.get(2).reason().contains("surrogate"), errors.get(2).reason());

            // 4000 characters as PostgreSQL counts them are accepted, though Java counts 8000
            alice.send(ClientFrame.send("max", conv, emoji.repeat(4000)));
            List<ChatMessage> written = fixture.inbound(Set.of(conv), 2, Duration.ofSeconds(5));
            assertEquals(List.of("max"), written.stream().map(ChatMessage::clientMsgId).toList(), "only the storable send reached Kafka");
            assertEquals(emoji.repeat(4000), written.get(0).body());
            assertTrue(alice.frames("ack").isEmpty() || alice.frames("ack").stream().allMatch(a -> "max".equals(a.cmid())),
                    "no refused send was acked");
            for (String cmid : List.of("nul", "nul-escaped", "high", "low", "reversed", "too-long")) {
                assertNull(redis.value(String.class).get(keys.clientMessage(conv, "h-alice", cmid)), "no claim for " + cmid);
            }
            assertEquals(0, redis.sortedSet(String.class).zcard(keys.conversationHot(conv)), "nothing in the hot window");
        }
    }

    @Test
    void wrongJsonTypesDuplicateKeysAndTrailingBytesAreRefusedNotCoerced() {
        String conv = fixture.conversation("j-alice", "j-bob");
        List<String> frames = List.of(
                "{\"type\":\"send\",\"cmid\":5,\"conv\":\"" + conv + "\",\"body\":\"b\"}",
                send("body-number", conv, "5"),
                send("body-bool", conv, "true"),
                send("body-array", conv, "[\"b\"]"),
                "{\"type\":\"send\",\"cmid\":\"conv-number\",\"conv\":12,\"body\":\"b\"}",
                "{\"type\":\"read\",\"conv\":\"" + conv + "\",\"seq\":\"3\"}",
                "{\"type\":\"read\",\"conv\":\"" + conv + "\",\"seq\":1.5}",
                "{\"type\":\"read\",\"conv\":\"" + conv + "\",\"seq\":99999999999999999999}",
                "{\"type\":\"sync\",\"convs\":{\"" + conv + "\":\"0\"}}",
                "{\"v\":1.0,\"type\":\"ping\"}",
                "{\"type\":7}",
                "{\"type\":\"send\",\"cmid\":\"dup\",\"conv\":\"" + conv + "\",\"body\":\"a\",\"body\":\"b\"}",
                "{\"type\":\"ping\"} {\"type\":\"ping\"}",
                "{\"type\":\"ping\",\"extra\":null}");
        try (ChatClient alice = connect("j-alice")) {
            frames.forEach(alice::sendRaw);
            List<ServerFrame> errors = alice.awaitCount(f -> "error".equals(f.type()), frames.size(), WAIT);
            assertEquals(frames.size(), errors.size());
            assertTrue(errors.stream().allMatch(e -> ErrorCode.MALFORMED.equals(e.code())),
                    errors.stream().map(Json::write).toList().toString());
        }
    }

    @Test
    void onlyAnExactTokenOpensTheSocketFromTheQueryOrTheBearerHeader() throws Exception {
        String valid = token("k-alice");
        for (String suffix : List.of("\u0000\u00e9\u4e2d", "\u0000", "~", "%")) {
            try (RawWebSocket socket = RawWebSocket.open(base.getHost(), base.getPort(),
                    "/ws/chat?token=" + URLEncoder.encode(valid + suffix, StandardCharsets.UTF_8), Map.of())) {
                assertEquals(401, socket.status(), "suffix " + URLEncoder.encode(suffix, StandardCharsets.UTF_8));
            }
            if (suffix.indexOf('\u0000') < 0) {
                try (RawWebSocket socket = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat",
                        Map.of("Authorization", "Bearer " + valid + suffix))) {
                    assertEquals(401, socket.status(), "header suffix " + suffix);
                }
            }
        }
        try (RawWebSocket socket = RawWebSocket.open(base.getHost(), base.getPort(), "/ws/chat",
                Map.of("Authorization", "bearer " + valid))) {
            assertEquals(101, socket.status(), "the header alone is enough (scheme case-insensitive)");
            assertFalse(socket.awaitText("\"k-alice\"", WAIT) == null, "welcomed as k-alice");
        }
    }

    @Test
    void aMessageAbove64KiBClosesWith1009AndNothingIsStored() throws Exception {
        String conv = fixture.conversation("m-alice", "m-bob");
        try (RawWebSocket socket = raw("m-alice")) {
            String big = send("too-big", conv, "\"" + "x".repeat(70 * 1024) + "\"");
            socket.sendText(big.getBytes(StandardCharsets.UTF_8));
            assertEquals(1009, socket.awaitClose(WAIT), "a message above the 64 KiB limit: close 1009 (message too big)");
        }
        try (RawWebSocket socket = raw("m-alice")) {
            // the same limit for a message sent in fragments: 40 KiB + 40 KiB (joined by the transport)
            byte[] half = ("{\"type\":\"send\",\"cmid\":\"fragments\",\"conv\":\"" + conv + "\",\"body\":\"" + "y".repeat(40 * 1024))
                    .getBytes(StandardCharsets.UTF_8);
            socket.send(RawWebSocket.TEXT, false, half);
            socket.send(RawWebSocket.CONTINUATION, true, ("z".repeat(40 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8));
            assertEquals(1009, socket.awaitClose(WAIT), "a fragmented message above 64 KiB: close 1009");
        }
        try (ChatClient alice = connect("m-alice")) {
            alice.sendRaw("{\"type\":\"ping\"}");
            assertNotNull(alice.await(f -> "pong".equals(f.type()), WAIT), "the service still serves the user");
        }
        assertEquals(0, redis.sortedSet(String.class).zcard(keys.conversationHot(conv)), "nothing in the hot window");
        assertNull(redis.value(String.class).get(keys.clientMessage(conv, "m-alice", "too-big")));
        assertNull(redis.value(String.class).get(keys.clientMessage(conv, "m-alice", "fragments")));
    }
}
