package dev.parley.ws.repository;

import dev.parley.ws.config.WsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Redis writes that nobody waits for, collected for a few milliseconds and sent as one pipeline:
 * one socket write and one read of replies for many commands, on our side and on Redis's. At
 * thousands of sends per second this halves the commands the send path issues one by one.
 * Bounded: past {@code parley.ws.write-behind.max-queued} a write goes out on its own at once
 * instead of waiting, so nothing is dropped and nothing queues without limit.
 */
@Singleton
public class PipelinedWrites {

    private static final Logger LOG = Logger.getLogger(PipelinedWrites.class);

    private final Redis redis;
    private final Vertx vertx;
    private final WsConfig.WriteBehind config;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Counter failures;
    private final Counter pipelines;

    public PipelinedWrites(ReactiveRedisDataSource redis, Vertx vertx, WsConfig config, MeterRegistry metrics) {
        this.redis = redis.getRedis();
        this.vertx = vertx;
        this.config = config.writeBehind();
        this.failures = Counter.builder("parley.ws.write.behind.failures")
                .description("write-behind Redis commands that failed (their pipeline is not retried)").register(metrics);
        this.pipelines = Counter.builder("parley.ws.write.behind.pipelines")
                .description("pipelines of write-behind Redis commands sent").register(metrics);
    }

    /** Sends {@code request} within the flush interval, pipelined with the others queued by then. */
    public void submit(Request request) {
        if (queued.incrementAndGet() > config.maxQueued()) {
            queued.decrementAndGet();
            send(List.of(request));
            return;
        }
        queue.add(request);
        if (flushScheduled.compareAndSet(false, true)) {
            vertx.setTimer(config.flushInterval().toMillis(), t -> flush());
        }
    }

    /** Commands waiting for the next pipeline. */
    public int pending() {
        return queued.get();
    }

    private void flush() {
        // reset first: a submit racing with the loop below schedules the next flush itself
        flushScheduled.set(false);
        List<Request> batch = new ArrayList<>();
        Request next;
        while ((next = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(next);
            if (batch.size() == config.maxBatch()) {
                send(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    private void send(List<Request> batch) {
        pipelines.increment();
        redis.batch(batch).subscribe().with(
                replies -> { },
                failure -> {
                    failures.increment(batch.size());
                    LOG.debugf("write-behind pipeline of %d commands failed: %s", batch.size(), failure.getMessage());
                });
    }
}
