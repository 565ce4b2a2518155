package dev.parley.seat.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.Roles;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.Credentials;
import dev.parley.platform.auth.InternalTokens;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.seat.SeatClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Reached directly — from any pod, from the host — seat-service serves no one without the
 * gateway's internal token for it: an owner's name in a header does not pause their cohort or
 * release their hold, on REST, SSE or the live WebSocket.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class CallerAuthenticationTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    Pool pool;

    @Test
    void withoutSeatServicesOwnCredentialNothingIsReadOrChanged() throws Exception {
        SeatClient client = new SeatClient(url.toString());
        String owner = "owner-" + UUID.randomUUID();
        String cohort = client.cohort(owner, 3, Instant.now().plusSeconds(600), 60_000);
        String holdId = client.post("/cohorts/" + cohort + "/holds", owner, null).body().path("hold").path("holdId").asText();

        String accessToken = Credentials.authorization(new TokenCodec(SeatClient.SECRET).mint(owner, null, Duration.ofMinutes(5)));
        String forChat = new InternalTokens(SeatClient.SECRET).authorization("persistence-consumer", owner, Set.of(Roles.MEMBER));
        String[][] credentials = {
                {"X-Parley-User", owner},
                {"Authorization", accessToken},
                {"Authorization", forChat},
                {"Authorization", SeatClient.credential(owner) + "."},
        };
        for (String[] c : credentials) {
            for (String path : new String[] {"/cohorts/" + cohort + "/pause", "/cohorts/" + cohort + "/holds/" + holdId + "/release",
                    "/cohorts", "/cohorts/" + cohort + "/holds"}) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + path)).header(c[0], c[1])
                        .header("Content-Type", "application/json").header("Idempotency-Key", UUID.randomUUID().toString())
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));
                assertEquals(401, r.statusCode(), c[0] + " on " + path + ": " + r.body());
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), r.body());
                assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
            }
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base() + "/cohorts/" + cohort + "/me")).header(c[0], c[1])).statusCode());
            assertEquals(401, send(HttpRequest.newBuilder(URI.create(base() + "/cohorts/" + cohort + "/events"))
                    .header(c[0], c[1]).header("Accept", "text/event-stream")).statusCode());
            assertEquals(401, upgradeStatus(c[0], c[1], cohort));
        }
        // Nothing changed: the cohort is open, the hold held, no second cohort.
        assertEquals("held", scalar("SELECT state FROM holds WHERE id = '" + holdId + "'"));
        assertEquals("1", scalar("SELECT count(*) FROM cohorts WHERE owner_id = '" + owner + "'"));
        assertEquals("true", scalar("SELECT paused_at IS NULL AND NOT closed FROM cohorts WHERE id = '" + cohort + "'"));
        // The probes are not API callers.
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(base() + "/q/health/live"))).statusCode());
    }

    private String base() {
        String s = url.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private int upgradeStatus(String header, String value, String cohort) {
        try {
            WebSocket ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder().header(header, value)
                    .buildAsync(URI.create(base().replace("http", "ws") + "/cohorts/" + cohort + "/live"), new WebSocket.Listener() {
                    }).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            return e.getCause() instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scalar(String sql) {
        return String.valueOf(pool.query(sql).execute().await().indefinitely().iterator().next().getValue(0));
    }
}
