package dev.parley.gateway.health;

import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.devinfra.test.ServiceProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** gateway boots against real Redis and honours the platform contract. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
class GatewayPlatformTest {

    @Test
    void readinessChecksEveryBackend() {
        ServiceProbe.assertReadyWith("Redis connection health check");
    }

    @Test
    void livenessDependsOnNothingDownstream() {
        ServiceProbe.assertLive();
    }

    @Test
    void exposesPrometheusMetricsWithSloBuckets() {
        ServiceProbe.assertPrometheusWithSloBuckets();
    }
}
