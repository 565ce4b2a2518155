package dev.parley.metrics.collector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.parley.contracts.Roles;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.metrics.service.SloService;
import dev.parley.metrics.slo.AlertState;
import dev.parley.metrics.slo.SloSnapshot;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import dev.parley.platform.auth.TokenCodec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Scrapes loopback "services" with known counters and checks RED, status, SLO feed and faults end to end. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FakeFleetResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CollectionTest {

    @Inject
    ScrapeLoop loop;

    @Inject
    SloService slos;

    @org.junit.jupiter.api.BeforeAll
    static void doubles() {
        io.restassured.RestAssured.config = io.restassured.config.RestAssuredConfig.config().jsonConfig(
                io.restassured.config.JsonConfig.jsonConfig()
                        .numberReturnType(io.restassured.path.json.config.JsonPathConfig.NumberReturnType.DOUBLE));
    }

    private void scrape() throws InterruptedException {
        loop.scrapeAll().await().atMost(Duration.ofSeconds(10));
        Thread.sleep(20); // distinct sample timestamps
    }

    @Test
    @Order(1)
    void redStatusAndPoolsFromScrapedCounters() throws Exception {
        FakeFleet.Counters alpha = FakeFleetResource.fleet.service("alpha");
        FakeFleet.Counters beta = FakeFleetResource.fleet.service("beta");
        scrape();
        given().when().get("/api/services/alpha").then().statusCode(200)
                .body("status", equalTo("healthy"))
                .body("requestsPerSecond", nullValue());

        // alpha: 900 OK (800 within 0.3 s) and 100 × 5xx; beta: 50 OK, pool saturated and queueing.
        alpha.ok.addAndGet(900);
        alpha.fastOk.addAndGet(800);
        alpha.serverErrors.addAndGet(100);
        beta.ok.addAndGet(50);
        beta.fastOk.addAndGet(50);
        beta.poolActive = 19;
        beta.poolIdle = 1;
        beta.poolWaiting = 4;
        scrape();

        given().when().get("/api/services/alpha").then().statusCode(200)
                .body("reachable", equalTo(true))
                .body("requestsPerSecond", greaterThan(0.0))
                .body("errorRatio", closeTo(0.1, 1e-9))
                // 100 errors ≤ 5 ms, 800 OK ≤ 300 ms, 100 OK ≤ 1 s: p50 inside (5, 300] ms
                .body("p50Ms", closeTo(5 + 295 * (500 - 100) / 800.0, 1e-6))
                .body("status", equalTo("degraded"))
                .body("reasons", hasItem(containsString("error ratio")));
        given().when().get("/api/services/beta").then().statusCode(200)
                .body("errorRatio", closeTo(0.0, 1e-9))
                .body("pools[0].active", closeTo(19.0, 1e-9))
                .body("pools[0].max", closeTo(20.0, 1e-9))
                .body("pools[0].waiting", closeTo(4.0, 1e-9))
                .body("status", equalTo("degraded"));
        given().when().get("/api/services/gone").then().statusCode(200)
                .body("reachable", equalTo(false))
                .body("status", equalTo("degraded"));
        given().when().get("/api/services/nope").then().statusCode(404)
                .contentType(containsString("problem+json"));
        given().when().get("/api/services/alpha/chart").then().statusCode(200).body("size()", equalTo(2));

        // The SLO engines got the counter increases: 100 of 1000 bad (availability), 100 of 1000 slower than 300 ms
        // (the 5xx answered within 5 ms).
        SloSnapshot availability = find("alpha-availability");
        assertEquals(1000, availability.periodTotal(), 1e-9);
        assertEquals(100, availability.periodBad(), 1e-9);
        assertEquals(AlertState.P1, availability.state());
        SloSnapshot latency = find("alpha-latency");
        assertEquals(100, latency.periodBad(), 1e-9);
        assertEquals(1000, latency.periodTotal(), 1e-9);
        // objectives of services without traffic (the configured fleet) report no data, not OK
        assertEquals(AlertState.NO_DATA, find("gateway-availability").state());
        given().when().get("/api/alerts").then().statusCode(200).body("objective", hasItem("alpha-availability"));
    }

    @Test
    @Order(2)
    void counterResetAfterRestartIsNotNegativeTraffic() throws Exception {
        FakeFleet.Counters beta = FakeFleetResource.fleet.service("beta");
        beta.ok.set(10);
        beta.fastOk.set(10);
        scrape();
        given().when().get("/api/services/beta").then().statusCode(200)
                .body("requestsPerSecond", greaterThan(0.0));
    }

    @Test
    @Order(3)
    void faultInjectionAddsSyntheticErrorsThatOpenAnAlert() throws Exception {
        String fault = "{\"service\":\"beta\",\"errorRate\":0.5,\"syntheticRps\":1000,\"durationSeconds\":60}";
        // Only an operator may throw the switch; a member's token, no token or a forged one change nothing.
        given().contentType("application/json").body(fault).when().post("/api/faults").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"));
        given().header("Authorization", bearer("mallory", Roles.MEMBER)).contentType("application/json").body(fault)
                .when().post("/api/faults").then().statusCode(403);
        given().header("Authorization", "Bearer " + new TokenCodec("another-secret-0123456789abcdef0123456")
                        .mint("ops", null, List.of(Roles.OPERATOR), Duration.ofMinutes(5)))
                .contentType("application/json").body(fault).when().post("/api/faults").then().statusCode(401);
        given().when().delete("/api/faults/beta").then().statusCode(401);
        given().when().get("/api/services/beta").then().body("faultActive", equalTo(false));

        String operator = bearer("ops", Roles.OPERATOR);
        given().header("Authorization", operator).contentType("application/json").body("{\"service\":\"nope\"}")
                .when().post("/api/faults").then().statusCode(400);
        given().header("Authorization", operator).contentType("application/json").body("{\"service\":\"beta\",\"errorRate\":2}")
                .when().post("/api/faults").then().statusCode(400);
        // an unknown field is refused, not ignored (the defaults would inject 30 % errors for 60 s)
        given().header("Authorization", operator).contentType("application/json").body("{\"service\":\"beta\",\"errorRat\":0.01}")
                .when().post("/api/faults").then().statusCode(400);
        given().header("Authorization", operator).contentType("application/json").body("{\"service\":\"beta\",\"durationSeconds\":\"60\"}")
                .when().post("/api/faults").then().statusCode(400);
        given().when().get("/api/services/beta").then().body("faultActive", equalTo(false));
        given().header("Authorization", operator).contentType("application/json").body(fault)
                .when().post("/api/faults").then().statusCode(202).body("service", equalTo("beta"));
        scrape();
        Thread.sleep(200);
        scrape();
        given().when().get("/api/services/beta").then().statusCode(200)
                .body("faultActive", equalTo(true))
                .body("errorRatio", greaterThan(0.05));
        given().header("Authorization", bearer("mallory", Roles.MEMBER)).when().delete("/api/faults/beta").then().statusCode(403);
        given().header("Authorization", operator).when().delete("/api/faults/beta").then().statusCode(204);
        scrape();
        given().when().get("/api/services/beta").then().body("faultActive", equalTo(false));
        assertFalse(slos.latest().isEmpty());
    }

    private static String bearer(String user, String role) {
        return "Bearer " + new TokenCodec("test-only-secret-0123456789abcdef012").mint(user, null, List.of(role), Duration.ofMinutes(5));
    }

    @io.quarkus.test.common.http.TestHTTPResource("/api/stream")
    java.net.URI stream;

    @Test
    @Order(4)
    void dashboardIsServedAndFramesArePushedOverSse() throws Exception {
        given().when().get("/dashboard/").then().statusCode(200)
                .body(containsString("<canvas id=\"throughput\""))
                .body(org.hamcrest.Matchers.not(containsString("http://")))
                .body(org.hamcrest.Matchers.not(containsString("https://")));
        given().when().get("/dashboard/dashboard.js").then().statusCode(200).body(containsString("EventSource"));

        var client = java.net.http.HttpClient.newHttpClient();
        var request = java.net.http.HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").build();
        var response = client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofLines())
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, response.statusCode());
        long started = System.nanoTime();
        var frames = response.body().filter(l -> l.startsWith("data:")).limit(2).toList();
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(2, frames.size());
        org.junit.jupiter.api.Assertions.assertTrue(frames.get(1).contains("\"service\":\"alpha\""), frames.get(1));
        org.junit.jupiter.api.Assertions.assertTrue(frames.get(1).contains("\"objective\":\"alpha-availability\""));
        org.junit.jupiter.api.Assertions.assertTrue(seconds < 10, "two frames took " + seconds + " s");
    }

    @Test
    @Order(5)
    void otlpTraceExportsBecomeAWaterfall() throws Exception {
        var captured = new java.util.concurrent.CopyOnWriteArrayList<io.opentelemetry.sdk.trace.data.SpanData>();
        io.opentelemetry.sdk.trace.export.SpanExporter exporter = new io.opentelemetry.sdk.trace.export.SpanExporter() {
            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode export(
                    java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
                captured.addAll(spans);
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode flush() {
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }
        };
        var gateway = tracer("gateway", exporter);
        var ws = tracer("ws-service", exporter);
        var root = gateway.get("test").spanBuilder("POST /api/messages")
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER).startSpan();
        var child = ws.get("test").spanBuilder("send").setParent(io.opentelemetry.context.Context.root().with(root))
                .startSpan();
        child.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
        Thread.sleep(5);
        child.end();
        root.end();
        // The official OTLP encoder of the OpenTelemetry SDK produces the request body.
        var out = new java.io.ByteArrayOutputStream();
        io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler.create(captured).writeBinaryTo(out);

        given().contentType("application/x-protobuf").body(out.toByteArray())
                .when().post("/v1/traces").then().statusCode(200);
        given().contentType("application/x-protobuf").body(new byte[] {0x0a, 0x05, 0x01})
                .when().post("/v1/traces").then().statusCode(400);
        given().when().get("/api/traces/latest").then().statusCode(200)
                .body("traceId", equalTo(root.getSpanContext().getTraceId()))
                .body("services", equalTo(2))
                .body("spans[0].service", equalTo("gateway"))
                .body("spans[0].depth", equalTo(0))
                .body("spans[1].service", equalTo("ws-service"))
                .body("spans[1].name", equalTo("send"))
                .body("spans[1].depth", equalTo(1))
                .body("spans[1].error", equalTo(true))
                .body("durationMs", greaterThan(4.0));
    }

    private static io.opentelemetry.sdk.trace.SdkTracerProvider tracer(String service,
            io.opentelemetry.sdk.trace.export.SpanExporter exporter) {
        return io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                .setResource(io.opentelemetry.sdk.resources.Resource.create(io.opentelemetry.api.common.Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), service)))
                .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(exporter))
                .build();
    }

    private SloSnapshot find(String name) {
        return slos.latest().stream().filter(s -> s.objective().equals(name)).findFirst().orElseThrow();
    }
}
