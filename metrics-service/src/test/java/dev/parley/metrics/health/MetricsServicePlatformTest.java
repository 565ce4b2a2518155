package dev.parley.metrics.health;

import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.ServiceProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** metrics-service boots against real Kafka, PostgreSQL and honours the platform contract. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class MetricsServicePlatformTest {

    @Test
    void readinessChecksEveryBackend() {
        ServiceProbe.assertReadyWith("Kafka connection health check", "Reactive PostgreSQL connections health check");
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
