package dev.parley.gateway.relay;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.routing.PodDirectory;
import dev.parley.gateway.support.FakePersistence;
import dev.parley.gateway.support.Tokens;
import dev.parley.platform.auth.Credentials;
import dev.parley.platform.auth.TokenCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The credential on the relay paths: only an exact token is accepted (nothing appended), whether it
 * comes as {@code ?token=} or as {@code Authorization: Bearer}, and the chat relay passes it on to
 * the pod, which authenticates the socket itself (played here by a WebSocket server that verifies
 * the token the way ws-service does).
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
class RelayCredentialsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;
    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    PodDirectory pods;

    private Vertx vertx;
    private HttpServer pod;
    private final List<String> podSawUsers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startPod() throws Exception {
        vertx = Vertx.vertx();
        pod = vertx.createHttpServer().webSocketHandler(ws -> {
            try {
                String token = Credentials.token(ws.query() == null ? null : queryToken(ws.query()), ws.headers().get("Authorization"));
                podSawUsers.add(Tokens.CODEC.verify(token).userId());
                ws.textMessageHandler(ws::writeTextMessage);
            } catch (TokenCodec.InvalidTokenException e) {
                ws.reject(401);
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        redis.sortedSet(String.class).zadd(keys.podRegistry(), System.currentTimeMillis(), "ws-local");
        redis.hash(String.class).hset(keys.podAddresses(), "ws-local", "ws://127.0.0.1:" + pod.actualPort());
        pods.refresh().await().atMost(Duration.ofSeconds(5));
    }

    @AfterEach
    void stopPod() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static String queryToken(String query) {
        for (String pair : query.split("&")) {
            if (pair.startsWith("token=")) {
                return java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private String ws(String pathAndQuery) {
        return "ws://" + base.getHost() + ":" + base.getPort() + pathAndQuery;
    }

    /** Opens a WebSocket; the echo of "hi" proves it reached the pod. Returns the handshake status on refusal. */
    private int open(String pathAndQuery, String authorization) {
        CompletableFuture<String> echo = new CompletableFuture<>();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        try {
            WebSocket socket = builder.buildAsync(URI.create(ws(pathAndQuery)), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    echo.complete(data.toString());
                    return null;
                }
            }).join();
            // keep the pod alive on the ring however slow the machine is
            redis.sortedSet(String.class).zadd(keys.podRegistry(), System.currentTimeMillis(), "ws-local");
            socket.sendText("hi", true).join();
            assertEquals("hi", echo.get(5, TimeUnit.SECONDS));
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            return 101;
        } catch (CompletionException e) {
            assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String token(String user) {
        return Tokens.CODEC.mint(user, null, Duration.ofMinutes(5));
    }

    private static String q(String token) {
        return URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    @Test
    void theChatRelayWorksWithTheTokenInTheQueryOrOnlyInTheAuthorizationHeader() {
        assertEquals(101, open("/ws/chat?token=" + q(token("relay-q")) + "&device=d1", null));
        assertEquals(101, open("/ws/chat?device=d1", "Bearer " + token("relay-h")));
        assertEquals(List.of("relay-q", "relay-h"), podSawUsers, "the pod verified both users itself");
    }

    @Test
    void aTokenWithAnythingAppendedIsRefusedOnEveryPath() {
        String valid = token("mallory");
        for (String suffix : List.of("\u0000\u00e9\u4e2d", "\u0000", "%", "~", "!")) {
            String bad = q(valid + suffix);
            assertEquals(401, open("/ws/chat?token=" + bad, null), "chat relay, suffix " + bad);
            assertEquals(401, open("/api/cohorts/abc/live?token=" + bad, null), "seat live relay");
            given().urlEncodingEnabled(false).when().get("/api/cohorts/abc/events?token=" + bad).then().statusCode(401);
            given().urlEncodingEnabled(false).when().get("/api/conversations?token=" + bad).then().statusCode(401);
        }
        // header values cannot carry a NUL; characters that jose4j's decoder skipped can
        for (String suffix : List.of("~", "!", "%", " x")) {
            String bad = "Bearer " + valid + suffix;
            assertEquals(401, open("/ws/chat", bad), "chat relay, header suffix " + suffix);
            given().header("Authorization", bad).when().get("/api/cohorts/abc/events").then().statusCode(401);
            given().header("Authorization", bad).when().get("/api/conversations").then().statusCode(401);
        }
        assertTrue(podSawUsers.isEmpty(), "nothing reached the pod: " + podSawUsers);
    }
}
