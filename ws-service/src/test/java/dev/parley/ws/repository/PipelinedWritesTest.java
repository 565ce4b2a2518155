package dev.parley.ws.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.devinfra.test.ChatPostgresTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Write-behind commands: every one lands, they share pipelines, the queue stays bounded, shutdown drains it. */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ChatPostgresTestResource.class, restrictToAnnotatedClass = true)
class PipelinedWritesTest {

    /** parley.ws.write-behind.max-batch (default). */
    private static final int MAX_BATCH = 256;

    @Inject
    PipelinedWrites writes;
    @Inject
    RedisDataSource redis;
    @Inject
    MeterRegistry metrics;

    @Test
    void everyWriteLandsAndWritesSharePipelines() {
        String prefix = "test:wb:" + UUID.randomUUID() + ":";
        double pipelinesBefore = pipelines();
        for (int i = 0; i < 2_000; i++) {
            writes.submit(set(prefix + i, i));
        }
        awaitAllLanded(prefix, 2_000);
        double pipelines = pipelines() - pipelinesBefore;
        assertTrue(pipelines >= 8 && pipelines <= 200, "2,000 writes went out in " + pipelines + " pipelines");
        assertEquals("1999", redis.value(String.class).get(prefix + 1999));
    }

    @Test
    void aFullBatchGoesOutAtOnceSoABurstStaysBoundedAndNoneIsDropped() {
        String prefix = "test:wb:" + UUID.randomUUID() + ":";
        int count = 24_576;
        int mostPending = 0;
        double failuresBefore = failures();
        for (int i = 0; i < count; i++) {
            writes.submit(set(prefix + i, i));
            mostPending = Math.max(mostPending, writes.pending());
        }
        assertTrue(mostPending < MAX_BATCH, "at most " + MAX_BATCH + " queued, saw " + mostPending);
        awaitAllLanded(prefix, count);
        assertEquals(failuresBefore, failures(), "no write failed");
    }

    @Test
    void atShutdownWhatIsQueuedIsWrittenBeforeTheRedisClientCloses() {
        String prefix = "test:wb:" + UUID.randomUUID() + ":";
        // fewer than a batch: all of them wait for the interval (200 ms in the test profile)
        for (int i = 0; i < 200; i++) {
            writes.submit(set(prefix + i, i));
        }
        assertEquals(200, writes.pending(), "still queued");
        writes.drain(null);
        assertEquals(0, writes.pending());
        assertEquals(200, redis.key().keys(prefix + "*").size(), "written when drain returned");
    }

    private Request set(String key, int value) {
        return Request.cmd(Command.SET).arg(key).arg(value).arg("PX").arg(60_000);
    }

    private void awaitAllLanded(String prefix, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long landed = 0;
        while (System.nanoTime() < deadline) {
            landed = redis.key().keys(prefix + "*").size();
            if (landed == count) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertEquals(count, landed, "writes that reached Redis");
    }

    private double failures() {
        return metrics.get("parley.ws.write.behind.failures").counter().count();
    }

    private double pipelines() {
        return metrics.get("parley.ws.write.behind.pipelines").counter().count();
    }
}
