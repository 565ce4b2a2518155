package dev.parley.delivery.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.delivery.config.DeliveryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded retry with backoff that every transient failure of a record goes through. */
class RetryTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeliveryService service = new DeliveryService(null, null, null, new DeliveryMetrics(registry), config(3),
            new ProducesUnderWay());

    @Test
    void retriesATransientFailureUntilItSucceeds() {
        AtomicInteger attempts = new AtomicInteger();
        String result = service.withRetry("flaky", () -> attempts.incrementAndGet() < 3
                ? Uni.createFrom().failure(new IllegalStateException("redis down"))
                : Uni.createFrom().item("done")).await().atMost(Duration.ofSeconds(10));
        assertEquals("done", result);
        assertEquals(3, attempts.get());
        assertEquals(2.0, registry.get("parley.delivery.retries").counter().count());
    }

    @Test
    void givesUpAfterTheLastRetryWithTheLastFailure() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> service.withRetry("down",
                () -> Uni.createFrom().failure(new IllegalStateException("attempt " + attempts.incrementAndGet())))
                .await().atMost(Duration.ofSeconds(10)));
        assertEquals(4, attempts.get(), "first attempt + 3 retries");
        assertEquals("attempt 4", failure.getMessage());
    }

    private static DeliveryConfig config(int maxRetries) {
        DeliveryConfig.Retry retry = new DeliveryConfig.Retry() {
            @Override
            public int maxRetries() {
                return maxRetries;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(10);
            }

            @Override
            public Duration maxBackoff() {
                return Duration.ofMillis(50);
            }

            @Override
            public double jitter() {
                return 0.5;
            }
        };
        return new DeliveryConfig() {
            @Override
            public Retry retry() {
                return retry;
            }

            @Override
            public Optional<Integer> hotMaxEntries() {
                return Optional.empty();
            }

            @Override
            public int podBatchMax() {
                return 64;
            }

            @Override
            public int unconfirmedMax() {
                return 1000;
            }

            @Override
            public int roundMax() {
                return 500;
            }
        };
    }
}
