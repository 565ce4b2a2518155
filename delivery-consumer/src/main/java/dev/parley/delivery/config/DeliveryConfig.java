package dev.parley.delivery.config;

import dev.parley.contracts.chat.ChatLimits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** delivery-consumer's own settings. */
@ConfigMapping(prefix = "parley.delivery")
public interface DeliveryConfig {

    /** Retries of one inbound record after a transient (Redis, Kafka, PostgreSQL) failure. */
    Retry retry();

    /** Hot window size override; {@link ChatLimits#HOT_MAX_ENTRIES} when absent. */
    Optional<Integer> hotMaxEntries();

    /**
     * Most events one pod batch carries. A round's events for one pod go out as batches of at most
     * this many: one PUBLISH and one pub/sub frame per batch instead of one per message, and no
     * pod is handed an unbounded payload.
     */
    @WithDefault("64")
    int podBatchMax();

    /**
     * Inbound records handed over and not settled yet: queued for delivery, being delivered, or
     * delivered with their sequenced records' broker ack outstanding. Beyond it a poll waits for
     * its own settlement before its consumer takes the next, so a slow Redis or broker slows the
     * consumers down (their connector pauses the partitions) instead of piling up polls. With a
     * poll from each consumer on top it stays within the sequenced emitter's buffer
     * (SequencedPublisher).
     */
    @WithDefault("1000")
    int unconfirmedMax();

    /**
     * Most records one delivery round takes: the polls that queued while the previous round was
     * delivered go together, up to this many (a single larger poll still goes whole).
     */
    @WithDefault("500")
    int roundMax();

    default int effectiveHotMaxEntries() {
        return hotMaxEntries().orElse(ChatLimits.HOT_MAX_ENTRIES);
    }

    interface Retry {

        /**
         * Retries after the first attempt. With the defaults a record is tried for about a minute
         * before the channel gives up (see failure-strategy in application.properties).
         */
        @WithDefault("8")
        int maxRetries();

        @WithDefault("PT0.2S")
        Duration initialBackoff();

        @WithDefault("PT10S")
        Duration maxBackoff();

        /** Random share of each backoff (0..1), so replicas retrying together spread out. */
        @WithDefault("0.5")
        double jitter();
    }
}
