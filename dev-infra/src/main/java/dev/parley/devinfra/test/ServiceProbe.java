package dev.parley.devinfra.test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * Assertions every service's test makes about the platform contract: liveness that depends on
 * nothing downstream, readiness that names (and has checked) each backend, Prometheus text with
 * SLO-bucketed request histograms.
 */
public final class ServiceProbe {

    private ServiceProbe() {
    }

    /** Readiness is UP and includes a check with each of the given names (all of them UP). */
    /**
     * Ready, with these checks among its readiness checks. A service may take a few seconds after
     * start to become ready (a consumer joins its group): it is given 30 s, then must be UP.
     */
    public static void assertReadyWith(String... checkNames) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (given().when().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(checkNames));
    }

    public static void assertLive() {
        given().when().get("/q/health/live")
                .then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    /**
     * Makes one application request (management routes under /q are not counted as traffic), then
     * expects its duration in the SLO-bucketed HTTP server histogram.
     */
    public static void assertPrometheusWithSloBuckets() {
        // 404, or 401 where every request needs a credential first (persistence-consumer, seat-service)
        given().when().get("/no-such-resource").then().statusCode(anyOf(equalTo(404), equalTo(401)));
        given().accept("text/plain").when().get("/q/metrics")
                .then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE http_server_requests_seconds histogram"))
                .body(containsString("http_server_requests_seconds_bucket{"))
                .body(containsString("le=\"0.3\""))
                .body(containsString("jvm_memory_used_bytes"));
    }
}
