package dev.parley.delivery.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The consumer's meters. Timers are named {@code parley.*}, so the platform gives them the SLO
 * buckets. Consumer lag comes from the Kafka client's own metrics
 * ({@code kafka_consumer_fetch_manager_records_lag*}), bound by Quarkus' Micrometer Kafka binder.
 * Created at start-up, so the meters are exported (at zero) before the first record.
 */
@Startup
@ApplicationScoped
public class DeliveryMetrics {

    private final Counter received;
    private final Counter sequencedNew;
    private final Counter sequencedAgain;
    private final Counter podEvents;
    private final Counter podPublishes;
    private final Counter deadLetters;
    private final Counter retries;
    private final Counter seeds;
    private final Counter tailRecords;
    private final Timer latency;
    private final Timer sequencing;
    private final DistributionSummary batchSize;
    private final DistributionSummary roundSize;
    private final MeterRegistry registry;
    private final Timer handOver;

    public DeliveryMetrics(MeterRegistry registry) {
        received = Counter.builder("parley.delivery.messages.received")
                .description("Inbound records read, poison ones included").register(registry);
        sequencedNew = Counter.builder("parley.delivery.messages.sequenced").tag("outcome", "new")
                .description("Messages given a seq").register(registry);
        sequencedAgain = Counter.builder("parley.delivery.messages.sequenced").tag("outcome", "redelivered")
                .description("Redelivered messages that kept the seq they had").register(registry);
        podEvents = Counter.builder("parley.delivery.pod.events")
                .description("PodEvents published on pod channels (one per message and pod)").register(registry);
        podPublishes = Counter.builder("parley.delivery.pod.publishes")
                .description("PUBLISHes on pod channels; a round's events for one pod share one").register(registry);
        deadLetters = Counter.builder("parley.delivery.dead.letters")
                .description("Poison records sent to the dead-letter topic").register(registry);
        seeds = Counter.builder("parley.delivery.counter.seeds")
                .description("Conversation counters seeded after Redis lost them").register(registry);
        tailRecords = Counter.builder("parley.delivery.seed.tail.records")
                .description("Sequenced-topic records read past persistence's offset to seed counters").register(registry);
        retries = Counter.builder("parley.delivery.retries")
                .description("Attempts that failed with a transient error and were retried or given up").register(registry);
        latency = Timer.builder("parley.delivery.latency")
                .description("From acceptance by ws-service (sentAt) to the pod events being published")
                .register(registry);
        sequencing = Timer.builder("parley.delivery.sequencing.duration")
                .description("Sequencing script round trip, PostgreSQL seeding included").register(registry);
        handOver = Timer.builder("parley.delivery.handover")
                .description("From the inbound record's timestamp (produced) to its poll reaching the consumer method")
                .register(registry);
        batchSize = DistributionSummary.builder("parley.delivery.batch.size")
                .description("Inbound records handed over by one poll").register(registry);
        roundSize = DistributionSummary.builder("parley.delivery.round.size")
                .description("Inbound records delivered together: the polls that queued during the previous round")
                .register(registry);
        this.registry = registry;
    }

    public void batch(int records) {
        batchSize.record(records);
    }

    public void round(int records) {
        roundSize.record(records);
    }

    /** Exports the number of inbound records handed over and not settled yet. */
    public void unsettled(Supplier<Number> unsettled) {
        Gauge.builder("parley.delivery.unsettled", unsettled)
                .description("Inbound records queued, being delivered, or awaiting the broker's ack of their sequenced records")
                .register(registry);
    }

    public void handedOver(long millis) {
        if (millis >= 0) {
            handOver.record(Duration.ofMillis(millis));
        }
    }

    public void received() {
        received.increment();
    }

    public void sequenced(boolean assigned, long elapsedNanos) {
        (assigned ? sequencedNew : sequencedAgain).increment();
        sequencing.record(Duration.ofNanos(elapsedNanos));
    }

    public void podEvents(int events, int publishes) {
        podEvents.increment(events);
        podPublishes.increment(publishes);
    }

    public void seeded(int conversations, long tailRecordsRead) {
        seeds.increment(conversations);
        tailRecords.increment(tailRecordsRead);
    }

    public void deadLetter() {
        deadLetters.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void delivered(long sentAtMillis) {
        long millis = System.currentTimeMillis() - sentAtMillis;
        if (sentAtMillis > 0 && millis >= 0) {
            latency.record(Duration.ofMillis(millis));
        }
    }
}
