package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.delivery.repository.ChatDatabase;
import dev.parley.delivery.repository.RedisPipeline;
import dev.parley.delivery.repository.SequenceStore;
import dev.parley.delivery.repository.SequenceStore.Assignment;
import dev.parley.delivery.repository.SequencedTail;
import dev.parley.platform.redis.RedisScript;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.tuples.Tuple3;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives a round's messages their per-conversation seqs and stores them in the hot window: one
 * script call per conversation, all of them in one pipeline.
 *
 * <p>A conversation whose Redis counter is missing (Redis lost its data) is seeded from every
 * place a seq it gave may still live: PostgreSQL, and the sequenced topic past what
 * persistence-consumer committed (given, acknowledged, not stored yet), once this process's own
 * produces have settled. A message of the round that one of them already knows keeps that seq.
 */
@ApplicationScoped
public class Sequencer {

    private final SequenceStore store;
    private final RedisPipeline pipeline;
    private final ChatDatabase database;
    private final SequencedTail tail;
    private final ProducesUnderWay produces;
    private final DeliveryMetrics metrics;

    public Sequencer(SequenceStore store, RedisPipeline pipeline, ChatDatabase database, SequencedTail tail,
                     ProducesUnderWay produces, DeliveryMetrics metrics) {
        this.store = store;
        this.pipeline = pipeline;
        this.database = database;
        this.tail = tail;
        this.produces = produces;
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
            calls.add(store.assign(group.get(0).conversationId(), group));
        }
        return pipeline.run(calls)
                // Redis lost its script cache (restart, flush): load it, fail, and the retry finds it.
                .onFailure(RedisScript::isNoScript).call(store::load)
                .chain(replies -> {
                    List<List<Assignment>> assigned = new ArrayList<>(conversations.size());
                    List<List<ChatMessage>> unseeded = new ArrayList<>();
                    for (int i = 0; i < conversations.size(); i++) {
                        Optional<List<Assignment>> a = SequenceStore.parse(replies.get(i));
                        assigned.add(a.orElse(null));
                        if (a.isEmpty()) {
                            unseeded.add(conversations.get(i));
                        }
                    }
                    Uni<Map<String, List<Assignment>>> seeded = unseeded.isEmpty()
                            ? Uni.createFrom().item(Map.of())
                            : seed(unseeded);
                    return seeded.map(more -> {
                        List<List<ChatMessage>> out = new ArrayList<>(conversations.size());
                        for (int i = 0; i < conversations.size(); i++) {
                            List<ChatMessage> group = conversations.get(i);
                            List<Assignment> a = assigned.get(i) != null ? assigned.get(i) : more.get(group.get(0).conversationId());
                            out.add(apply(group, a, start));
                        }
                        return out;
                    });
                });
    }

    /** Seeds the counters of {@code groups}' conversations and sequences their messages. */
    private Uni<Map<String, List<Assignment>>> seed(List<List<ChatMessage>> groups) {
        Set<String> conversationIds = new HashSet<>();
        Set<String> messageIds = new HashSet<>();
        for (List<ChatMessage> group : groups) {
            conversationIds.add(group.get(0).conversationId());
            group.forEach(m -> messageIds.add(m.id()));
        }
        return produces.settled()
                .chain(() -> Uni.combine().all().unis(
                        tail.read(conversationIds, messageIds),
                        database.maxSeqs(conversationIds),
                        database.seqsOf(messageIds)).asTuple())
                .chain(facts -> {
                    metrics.seeded(groups.size(), facts.getItem1().records());
                    Map<String, Uni<List<Assignment>>> calls = new HashMap<>();
                    for (List<ChatMessage> group : groups) {
                        String conversation = group.get(0).conversationId();
                        calls.put(conversation, store.seed(conversation, group, floor(conversation, facts), known(group, facts))
                                .map(a -> a.orElseThrow(() -> new IllegalStateException(
                                        "sequence counter of " + conversation + " not seeded"))));
                    }
                    List<String> order = List.copyOf(calls.keySet());
                    return Uni.join().all(order.stream().map(calls::get).toList()).andFailFast().map(results -> {
                        Map<String, List<Assignment>> byConversation = new HashMap<>();
                        for (int i = 0; i < order.size(); i++) {
                            byConversation.put(order.get(i), results.get(i));
                        }
                        return byConversation;
                    });
                });
    }

    /** The highest seq given so far: stored (PostgreSQL) or given and not stored yet (the tail). */
    private static long floor(String conversation, Tuple3<SequencedTail.Facts, Map<String, Long>, Map<String, Long>> facts) {
        return Math.max(facts.getItem1().maxSeq().getOrDefault(conversation, 0L),
                facts.getItem2().getOrDefault(conversation, 0L));
    }

    /** Seqs the group's messages were given before: PostgreSQL's is final, else the tail's first. */
    private static Map<String, Long> known(List<ChatMessage> group,
                                           Tuple3<SequencedTail.Facts, Map<String, Long>, Map<String, Long>> facts) {
        Map<String, Long> known = new HashMap<>();
        for (ChatMessage m : group) {
            Long seq = facts.getItem3().get(m.id());
            if (seq == null) {
                seq = facts.getItem1().seqOfId().get(m.id());
            }
            if (seq != null) {
                known.put(m.id(), seq);
            }
        }
        return known;
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
