package dev.parley.gateway.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.support.FakePersistence;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The edge and the router read one path: every other spelling is 404 before either sees it. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
class EdgePathTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TestHTTPResource("/")
    URL base;
    @Inject
    MeterRegistry registry;

    /** Sent exactly as spelt (no client-side normalisation). */
    private HttpResponse<String> send(String method, String rawPath, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + base.getHost() + ":" + base.getPort() + rawPath))
                .header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void otherSpellingsOfAPathAreNotFoundAndChangeNothing() throws Exception {
        String login = "{\"user\":\"edge-alice\"}";
        HttpResponse<String> canonical = send("POST", "/api/auth/dev-login", login);
        assertEquals(200, canonical.statusCode());
        assertTrue(canonical.headers().firstValue("RateLimit-Limit").isPresent(), "the guard saw the canonical login");

        for (String path : List.of("/api;x/auth/dev-login", "/api;/auth/dev-login", "/api/auth/dev-login;jsessionid=1",
                "/api/auth;x=1/dev-login", "//api/auth/dev-login", "/api//auth/dev-login", "/api/./auth/dev-login",
                "/api/x/../auth/dev-login", "/api/%2e%2e/api/auth/dev-login", "/api/auth%2Fdev-login", "/api/auth%2fdev-login",
                "/api%3Bx/auth/dev-login", "/api/auth/dev-login%00", "/api/auth%5Cdev-login")) {
            HttpResponse<String> r = send("POST", path, login);
            assertEquals(404, r.statusCode(), path + " → " + r.statusCode() + " " + r.body());
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), path);
            assertFalse(r.body().contains("token"), path + " minted a token");
        }
        for (String path : List.of("/api;x/conversations", "/api;/conversations", "/api;x=1/cohorts/c1/status")) {
            assertEquals(404, send("GET", path, null).statusCode(), path);
        }
    }

    @Test
    void relayedPathsAreMetredByTheirTemplateNotByEachId() {
        for (int i = 0; i < 30; i++) {
            String id = UUID.randomUUID().toString().substring(0, 12);
            given().get("/api/cohorts/" + id + "/events").then().statusCode(401);
            given().get("/api/cohorts/" + id + "/live").then().statusCode(426); // not an upgrade
        }
        Set<String> uris = registry.find("http.server.requests").meters().stream()
                .map(m -> m.getId().getTag("uri")).filter(u -> u != null && u.startsWith("/api/cohorts/"))
                .collect(Collectors.toSet());
        assertTrue(uris.size() <= 2, "one series per route, not per cohort: " + uris);
        assertTrue(registry.find("http.server.requests").meters().stream().map(Meter::getId)
                .anyMatch(id -> "/api/cohorts/{id}/events".equals(id.getTag("uri"))), "tagged by the template");
    }
}
