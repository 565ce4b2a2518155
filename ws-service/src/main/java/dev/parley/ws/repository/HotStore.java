package dev.parley.ws.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.sortedset.ScoreRange;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read side of the hot window that delivery-consumer writes: the seq counter, id → seq, and the
 * sorted set of recent messages by seq. The read seq per user lives here too.
 */
@Singleton
public class HotStore {

    /** Raises a watermark (read or delivered seq), never lowers it; returns the stored value. */
    private static final String RAISE_READ = """
            local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
            local wanted = tonumber(ARGV[2])
            if wanted > current then
              redis.call('HSET', KEYS[1], ARGV[1], wanted)
              return wanted
            end
            return current
            """;

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    public HotStore(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The highest seq assigned in the conversation (0 when none is known). */
    public Uni<Long> maxSeq(String conversationId) {
        return redis.value(Long.class).get(keys.conversationSeq(conversationId)).map(v -> v == null ? 0L : v);
    }

    public Uni<Optional<Long>> seqOf(String conversationId, String messageId) {
        return redis.hash(Long.class).hget(keys.conversationMessageSeq(conversationId), messageId)
                .map(Optional::ofNullable);
    }

    /** Messages with {@code afterSeq < seq <= upToSeq}, ascending; may have holes if the window lost them. */
    public Uni<List<ChatMessage>> range(String conversationId, long afterSeq, long upToSeq) {
        return redis.sortedSet(String.class)
                .zrangebyscore(keys.conversationHot(conversationId), new ScoreRange<>(afterSeq + 1.0, (double) upToSeq))
                .map(json -> json.stream().map(j -> Json.read(j, ChatMessage.class)).toList());
    }

    public Uni<Long> raiseReadSeq(String conversationId, String userId, long seq) {
        return raise(keys.conversationRead(conversationId), userId, seq);
    }

    public Uni<Long> raiseDeliveredSeq(String conversationId, String userId, String deviceId, long seq) {
        return raise(keys.conversationDelivered(conversationId), userId + "/" + deviceId, seq);
    }

    public Uni<Optional<Long>> deliveredSeq(String conversationId, String userId, String deviceId) {
        return redis.hash(Long.class).hget(keys.conversationDelivered(conversationId), userId + "/" + deviceId)
                .map(Optional::ofNullable);
    }

    private Uni<Long> raise(String key, String field, long seq) {
        return redis.execute("EVAL", RAISE_READ, "1", key, field, Long.toString(seq)).map(r -> r.toLong());
    }

    public Uni<Map<String, Long>> readSeqs(String conversationId) {
        return redis.hash(Long.class).hgetall(keys.conversationRead(conversationId));
    }
}
