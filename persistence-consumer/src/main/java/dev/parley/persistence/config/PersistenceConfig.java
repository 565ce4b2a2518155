package dev.parley.persistence.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Typed settings of persistence-consumer. The batch bounds are also wired into the Kafka channel
 * ({@code max.poll.records}, {@code fetch.max.wait.ms}, {@code fetch.min.bytes}) in
 * application.properties, so one property changes both.
 */
@ConfigMapping(prefix = "parley.persistence")
public interface PersistenceConfig {

    Batch batch();

    Retry retry();

    History history();

    interface Batch {
        /** Size bound: most records in one batch (Kafka {@code max.poll.records}). */
        @WithDefault("500")
        int maxRecords();

        /** Time bound: longest the broker holds a fetch to fill it (Kafka {@code fetch.max.wait.ms}). */
        @WithDefault("100")
        int maxWaitMs();

        /** Bytes the broker waits for before answering a fetch early; makes the time bound a buffering window. */
        @WithDefault("65536")
        int minBytes();
    }

    /** Exponential backoff with jitter around the batch insert (transient database errors). */
    interface Retry {
        @WithDefault("10")
        int maxRetries();

        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();

        @WithDefault("0.5")
        double jitter();
    }

    interface History {
        /** Page length when the caller gives no limit. */
        @WithDefault("50")
        int defaultLimit();

        /** Longest list of conversations one call returns. */
        @WithDefault("200")
        int maxConversations();
    }
}
