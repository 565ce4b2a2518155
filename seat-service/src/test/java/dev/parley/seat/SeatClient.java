package dev.parley.seat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.Roles;
import dev.parley.contracts.json.Json;
import dev.parley.platform.auth.InternalTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Test-side HTTP client (JDK HttpClient) for the seat API; asynchronous for the rush. Calls are
 * made as the gateway makes them, with an internal token for seat-service naming the user.
 */
public final class SeatClient {

    /** The test profile's token secret. */
    public static final String SECRET = "test-only-secret-0123456789abcdef012";
    private static final InternalTokens CREDENTIALS = new InternalTokens(SECRET);

    /** The {@code Authorization} value the gateway would send for {@code user}. */
    public static String credential(String user) {
        return CREDENTIALS.authorization("seat-service", user, Set.of(Roles.MEMBER));
    }

    public record Reply(int status, JsonNode body, String retryAfter, String contentType) {
        public String text(String field) {
            JsonNode n = body == null ? null : body.path(field);
            return n == null || n.isMissingNode() || n.isNull() ? null : n.asText();
        }
    }

    private final HttpClient http;
    private final String base;

    public SeatClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public CompletableFuture<Reply> send(String method, String path, String user, String idemKey, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (user != null) {
            b.header("Authorization", credential(user));
        }
        if (idemKey != null) {
            b.header("Idempotency-Key", idemKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            JsonNode node = null;
            try {
                node = r.body() == null || r.body().isBlank() ? null : Json.mapper().readTree(r.body());
            } catch (Exception e) {
                // not JSON: leave null
            }
            return new Reply(r.statusCode(), node, r.headers().firstValue("Retry-After").orElse(null),
                    r.headers().firstValue("Content-Type").orElse(""));
        });
    }

    public Reply call(String method, String path, String user, String idemKey, String body) {
        return send(method, path, user, idemKey, body).join();
    }

    public Reply get(String path, String user) {
        return call("GET", path, user, null, null);
    }

    public Reply post(String path, String user, String body) {
        return call("POST", path, user, null, body);
    }

    /** Creates a cohort and returns its id. */
    public String cohort(String owner, int seats, Instant deadline, long holdTtlMs) {
        Reply r = post("/cohorts", owner, "{\"title\":\"Rush\",\"seats\":" + seats + ",\"deadline\":\"" + deadline
                + "\",\"holdTtlMs\":" + holdTtlMs + "}");
        if (r.status() != 201) {
            throw new IllegalStateException("cohort not created: " + r.status() + " " + r.body());
        }
        return r.text("id");
    }

    public HttpClient http() {
        return http;
    }
}
