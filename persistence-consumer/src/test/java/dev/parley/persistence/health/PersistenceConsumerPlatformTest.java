package dev.parley.persistence.health;

import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.ServiceProbe;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** persistence-consumer boots against real Redis, Kafka, PostgreSQL and honours the platform contract. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class PersistenceConsumerPlatformTest {

    @Test
    void readinessChecksEveryBackend() {
        ServiceProbe.assertReadyWith("Redis connection health check", "Kafka connection health check", "Reactive PostgreSQL connections health check",
                "persistence sequenced assignment");
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
