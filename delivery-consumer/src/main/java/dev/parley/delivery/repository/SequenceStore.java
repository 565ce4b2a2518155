package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.delivery.config.DeliveryConfig;
import dev.parley.platform.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The sequencing step: one Lua script (lua/sequence.lua) per conversation and round gives its
 * messages their seqs and stores them in the conversation's hot window, or returns the seqs they
 * already have.
 */
@ApplicationScoped
public class SequenceStore {

    private static final Logger LOG = Logger.getLogger(SequenceStore.class);

    /** The seq field placeholder the script replaces by the real seq. */
    public static final long PLACEHOLDER_SEQ = -1;

    private final RedisKeys keys;
    private final RedisScript script;
    private final int hotMaxEntries;

    public SequenceStore(ReactiveRedisDataSource redis, RedisKeys keys, DeliveryConfig config) {
        this.keys = keys;
        this.script = RedisScript.fromClasspath(redis, "lua/sequence.lua");
        this.hotMaxEntries = config.effectiveHotMaxEntries();
    }

    void preload(@Observes StartupEvent event) {
        // EVALSHA in a pipeline cannot fall back to EVAL; a NOSCRIPT reply makes the caller load() and retry.
        load().subscribe().with(
                sha -> LOG.debugf("sequence script loaded as %s", sha),
                failure -> LOG.warnf("sequence script not preloaded (%s); it is loaded on first use", failure.getMessage()));
    }

    public Uni<String> load() {
        return script.load();
    }

    /**
     * The script call for {@code messages} (one conversation, in Kafka order), for a pipeline. A
     * missing counter makes the script refuse (see {@link #parse}); the caller then seeds it.
     */
    public Request assign(String conversationId, List<ChatMessage> messages) {
        return script.request(scriptKeys(conversationId), args(messages, OptionalLong.empty(), Map.of()));
    }

    /**
     * The seeding call on its own, EVAL fallback included (the rare path after a Redis loss).
     *
     * @param floor the highest seq given so far outside Redis (PostgreSQL and the sequenced topic),
     *              used when the counter is missing
     * @param known seqs some of these messages were given before (message id → seq): they keep them
     */
    public Uni<Optional<List<Assignment>>> seed(String conversationId, List<ChatMessage> messages, long floor,
                                                Map<String, Long> known) {
        return script.run(scriptKeys(conversationId), args(messages, OptionalLong.of(floor), known))
                .map(SequenceStore::parse);
    }

    /** The seqs in message order; empty when the counter must be seeded first. */
    public static Optional<List<Assignment>> parse(Response reply) {
        if (reply.get(0).toLong() < 0) {
            return Optional.empty();
        }
        List<Assignment> assignments = new ArrayList<>(reply.size() / 2);
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            assignments.add(new Assignment(reply.get(i).toLong(), reply.get(i + 1).toInteger() == 1));
        }
        return Optional.of(assignments);
    }

    private List<String> scriptKeys(String conversationId) {
        return List.of(
                keys.conversationSeq(conversationId),
                keys.conversationMessageSeq(conversationId),
                keys.conversationHot(conversationId));
    }

    private List<String> args(List<ChatMessage> messages, OptionalLong floor, Map<String, Long> known) {
        List<String> args = new ArrayList<>(4 + 2 * messages.size());
        args.add(Integer.toString(hotMaxEntries));
        args.add(Long.toString(ChatLimits.HOT_WINDOW.toMillis()));
        args.add(floor.isPresent() ? Long.toString(floor.getAsLong()) : "");
        args.add(known.isEmpty() ? "" : Json.write(known));
        for (ChatMessage message : messages) {
            args.add(message.id());
            args.add(Json.write(message.withSeq(PLACEHOLDER_SEQ)));
        }
        return args;
    }

    /**
     * One message's answer.
     *
     * @param seq      the message's seq
     * @param assigned true when this call gave the seq, false when the message already had it
     */
    public record Assignment(long seq, boolean assigned) {
    }
}
