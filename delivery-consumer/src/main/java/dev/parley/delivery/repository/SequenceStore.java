package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatLimits;
import dev.parley.delivery.config.DeliveryConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * The sequencing step: one Lua script (lua/sequence.lua) that gives a message its seq and stores it
 * in the conversation's hot window, or returns the seq it already has.
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
        // Not required (EVALSHA falls back to EVAL); it saves sending the source on the first message.
        script.load().subscribe().with(
                sha -> LOG.debugf("sequence script loaded as %s", sha),
                failure -> LOG.warnf("sequence script not preloaded (%s); it is sent on first use", failure.getMessage()));
    }

    /**
     * @param placeholderJson the message JSON with {@code "seq":-1}
     * @param floor           the highest seq known elsewhere (PostgreSQL), used only when the
     *                        counter is missing; empty to let the script refuse in that case
     */
    public Uni<Assignment> assign(String conversationId, String messageId, String placeholderJson, OptionalLong floor) {
        List<String> keyList = List.of(
                keys.conversationSeq(conversationId),
                keys.conversationMessageSeq(conversationId),
                keys.conversationHot(conversationId));
        List<String> args = List.of(
                messageId,
                placeholderJson,
                Integer.toString(hotMaxEntries),
                Long.toString(ChatLimits.HOT_WINDOW.toMillis()),
                floor.isPresent() ? Long.toString(floor.getAsLong()) : "");
        return script.run(keyList, args).map(r -> new Assignment(r.get(0).toLong(), r.get(1).toInteger() == 1));
    }

    /**
     * What the script answered.
     *
     * @param seq      the message's seq, or -1 when the counter must be seeded first
     * @param assigned true when this call gave the seq, false when the message already had it
     */
    public record Assignment(long seq, boolean assigned) {

        public boolean needsSeed() {
            return seq < 0;
        }
    }
}
