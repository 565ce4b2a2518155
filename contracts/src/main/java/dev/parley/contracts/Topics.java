package dev.parley.contracts;

import java.util.List;

/** Every Kafka topic of the fleet. Launchers, manifests (KafkaTopic CRs) and tests take them from here. */
public final class Topics {

    /** Chat messages as accepted from senders (key = conversation id), before sequencing. */
    public static final TopicSpec MESSAGES_INBOUND =
            new TopicSpec("parley.messages.inbound", 12, "accepted chat messages, keyed by conversation");

    /** Chat messages carrying their per-conversation sequence number (key = conversation id). */
    public static final TopicSpec MESSAGES_SEQUENCED =
            new TopicSpec("parley.messages.sequenced", 12, "sequenced chat messages, keyed by conversation");

    /** Records a consumer could not process, with the reason in headers. */
    public static final TopicSpec MESSAGES_DEAD_LETTER =
            new TopicSpec("parley.messages.dlq", 1, "poison chat records with the failure reason");

    /** Seat lifecycle events (held, confirmed, released, expired) for analytics. */
    public static final TopicSpec SEAT_EVENTS =
            new TopicSpec("parley.seat.events", 6, "seat lifecycle events, keyed by cohort");

    public static final List<TopicSpec> ALL =
            List.of(MESSAGES_INBOUND, MESSAGES_SEQUENCED, MESSAGES_DEAD_LETTER, SEAT_EVENTS);

    private Topics() {
    }

    public static List<TopicSpec> all(String prefix) {
        return ALL.stream().map(t -> t.withPrefix(prefix)).toList();
    }
}
