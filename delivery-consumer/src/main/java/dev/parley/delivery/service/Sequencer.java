package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.delivery.repository.ChatDatabase;
import dev.parley.delivery.repository.SequenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.OptionalLong;

/**
 * Gives a message its per-conversation seq and stores it in the hot window. When the Redis
 * counter is missing, it is seeded from the highest seq persisted in PostgreSQL.
 */
@ApplicationScoped
public class Sequencer {

    private final SequenceStore store;
    private final ChatDatabase database;
    private final DeliveryMetrics metrics;

    public Sequencer(SequenceStore store, ChatDatabase database, DeliveryMetrics metrics) {
        this.store = store;
        this.database = database;
        this.metrics = metrics;
    }

    /** The message with its seq; a message that already had one keeps it. */
    public Uni<ChatMessage> sequence(ChatMessage message) {
        String conversation = message.conversationId();
        String placeholderJson = Json.write(message.withSeq(SequenceStore.PLACEHOLDER_SEQ));
        long start = System.nanoTime();
        return store.assign(conversation, message.id(), placeholderJson, OptionalLong.empty())
                .chain(first -> first.needsSeed()
                        ? database.maxSeq(conversation)
                                .chain(floor -> store.assign(conversation, message.id(), placeholderJson, OptionalLong.of(floor)))
                        : Uni.createFrom().item(first))
                .map(assignment -> {
                    if (assignment.needsSeed()) {
                        throw new IllegalStateException("sequence counter of " + conversation + " not seeded");
                    }
                    metrics.sequenced(assignment.assigned(), System.nanoTime() - start);
                    return message.withSeq(assignment.seq());
                });
    }
}
