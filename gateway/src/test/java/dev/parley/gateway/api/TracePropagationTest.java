package dev.parley.gateway.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.gateway.support.FakePersistence;
import dev.parley.gateway.support.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * With tracing on (as in production), the caller's W3C trace context continues downstream: the
 * gateway's call carries a traceparent of the same trace with the gateway's own span as parent,
 * next to the request id.
 */
@QuarkusTest
@TestProfile(TracePropagationTest.Tracing.class)
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakePersistence.class, restrictToAnnotatedClass = true)
class TracePropagationTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    public static class Tracing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // spans are made and propagated; none is exported (no collector in tests)
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.traces.exporter", "none");
        }
    }

    @Test
    void theCallersTraceAndRequestIdContinueDownstream() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        given().header("Authorization", Tokens.bearer("heidi"))
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .header("X-Request-Id", "trace-check-1")
                .when().get("/api/conversations/c-traced")
                .then().statusCode(200).header("X-Request-Id", "trace-check-1");

        var seen = FakePersistence.HEADERS.stream().filter(h -> h.get("uri").equals("/conversations/c-traced")).findFirst().orElseThrow();
        Matcher downstream = TRACEPARENT.matcher(seen.get("traceparent"));
        assertTrue(downstream.matches(), "downstream traceparent: " + seen.get("traceparent"));
        assertEquals(traceId, downstream.group(1), "same trace");
        assertNotEquals(callerSpan, downstream.group(2), "the gateway's own span is the parent downstream");
        assertEquals("trace-check-1", seen.get("requestId"));
    }

    @Test
    void aCallWithoutTraceContextStartsATrace() {
        given().header("Authorization", Tokens.bearer("ivan"))
                .when().get("/api/conversations/c-untraced")
                .then().statusCode(200);
        var seen = FakePersistence.HEADERS.stream().filter(h -> h.get("uri").equals("/conversations/c-untraced")).findFirst().orElseThrow();
        assertTrue(TRACEPARENT.matcher(seen.get("traceparent")).matches(), "downstream traceparent: " + seen.get("traceparent"));
    }
}
