package dev.parley.ws.repository;

import dev.parley.ws.config.WsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
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
 * Bounded: once {@code parley.ws.write-behind.max-batch} writes wait they go out at once, so
 * nothing queues without limit and a burst still travels in pipelines, not command by command
 * (which could overrun the Redis client's pool and fail the writes).
 */
@Singleton
public class PipelinedWrites {

    private static final Logger LOG = Logger.getLogger(PipelinedWrites.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

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

    /**
     * Sends {@code request} within the flush interval, pipelined with the others queued by then;
     * a full batch goes out at once, so at most {@code max-batch} writes wait.
     */
    public void submit(Request request) {
        queue.add(request);
        if (queued.incrementAndGet() >= config.maxBatch()) {
            sendFullBatches();
        } else if (flushScheduled.compareAndSet(false, true)) {
            vertx.setTimer(config.flushInterval().toMillis(), t -> flush());
        }
    }

    /** Commands waiting for the next pipeline. */
    public int pending() {
        return queued.get();
    }

    /**
     * On shutdown whatever is still queued goes out at once and is waited for: a confirmation
     * lost here would leave only the short-lived pending marker behind.
     */
    void drain(@Observes ShutdownEvent event) {
        for (List<Request> batch = take(); !batch.isEmpty(); batch = take()) {
            try {
                pipelines.increment();
                redis.batch(batch).await().atMost(DRAIN_TIMEOUT);
            } catch (RuntimeException failure) {
                failures.increment(batch.size());
                LOG.warnf("%d write-behind commands not written at shutdown: %s", batch.size(), failure.getMessage());
            }
        }
    }

    private void flush() {
        // reset first: a submit racing with the loop below schedules the next flush itself
        flushScheduled.set(false);
        for (List<Request> batch = take(); !batch.isEmpty(); batch = take()) {
            send(batch);
        }
    }

    private void sendFullBatches() {
        while (queued.get() >= config.maxBatch()) {
            List<Request> batch = take();
            if (batch.isEmpty()) {
                return;
            }
            send(batch);
        }
    }

    /** Up to max-batch queued commands, oldest first. */
    private List<Request> take() {
        List<Request> batch = new ArrayList<>();
        Request next;
        while (batch.size() < config.maxBatch() && (next = queue.poll()) != null) {
            queued.decrementAndGet();
            batch.add(next);
        }
        return batch;
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
