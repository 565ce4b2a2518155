package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.delivery.repository.ChatDatabase;
import dev.parley.delivery.repository.RedisPipeline;
import dev.parley.platform.redis.RedisScript;
import dev.parley.delivery.repository.SequenceStore;
import dev.parley.delivery.repository.SequenceStore.Assignment;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Gives a round's messages their per-conversation seqs and stores them in the hot window: one
 * script call per conversation, all of them in one pipeline. A conversation whose Redis counter is
 * missing is seeded from the highest seq persisted in PostgreSQL.
 */
@ApplicationScoped
public class Sequencer {

    private final SequenceStore store;
    private final RedisPipeline pipeline;
    private final ChatDatabase database;
    private final DeliveryMetrics metrics;

    public Sequencer(SequenceStore store, RedisPipeline pipeline, ChatDatabase database, DeliveryMetrics metrics) {
        this.store = store;
        this.pipeline = pipeline;
        this.database = database;
        this.metrics = metrics;
    }

    /**
     * @param conversations messages grouped by conversation, each group in Kafka order
     * @return the groups, same order, each message with its seq (a message that had one keeps it)
     */
    public Uni<List<List<ChatMessage>>> sequence(List<List<ChatMessage>> conversations) {
        long start = System.nanoTime();
        List<Request> calls = new ArrayList<>(conversations.size());
        for (List<ChatMessage> group : conversations) {
            calls.add(store.assign(group.get(0).conversationId(), group, OptionalLong.empty()));
        }
        return pipeline.run(calls)
                // Redis lost its script cache (restart, flush): load it, fail, and the retry finds it.
                .onFailure(RedisScript::isNoScript).call(store::load)
                .chain(replies -> {
                    List<Uni<List<ChatMessage>>> groups = new ArrayList<>(conversations.size());
                    for (int i = 0; i < conversations.size(); i++) {
                        groups.add(withSeqs(conversations.get(i), replies.get(i), start));
                    }
                    return Uni.join().all(groups).andFailFast();
                });
    }

    private Uni<List<ChatMessage>> withSeqs(List<ChatMessage> group, Response reply, long start) {
        Optional<List<Assignment>> assignments = SequenceStore.parse(reply);
        if (assignments.isPresent()) {
            return Uni.createFrom().item(apply(group, assignments.get(), start));
        }
        String conversation = group.get(0).conversationId();
        return database.maxSeq(conversation)
                .chain(floor -> store.assignNow(conversation, group, OptionalLong.of(floor)))
                .map(seeded -> apply(group, seeded.orElseThrow(
                        () -> new IllegalStateException("sequence counter of " + conversation + " not seeded")), start));
    }

    private List<ChatMessage> apply(List<ChatMessage> group, List<Assignment> assignments, long start) {
        long elapsed = System.nanoTime() - start;
        List<ChatMessage> sequenced = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            Assignment a = assignments.get(i);
            metrics.sequenced(a.assigned(), elapsed);
            sequenced.add(group.get(i).withSeq(a.seq()));
        }
        return sequenced;
    }
}
