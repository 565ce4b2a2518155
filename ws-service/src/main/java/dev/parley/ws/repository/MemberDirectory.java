package dev.parley.ws.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.ws.config.WsConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * Conversation members: the Redis set is a cache of PostgreSQL ({@code conversation_members}); a
 * miss reloads it. A conversation always has members, so an absent set means "not cached".
 */
@Singleton
public class MemberDirectory {

    private final ReactiveRedisDataSource redis;
    private final Pool pg;
    private final RedisKeys keys;
    private final WsConfig config;

    public MemberDirectory(ReactiveRedisDataSource redis, Pool pg, RedisKeys keys, WsConfig config) {
        this.redis = redis;
        this.pg = pg;
        this.keys = keys;
        this.config = config;
    }

    public Uni<Set<String>> members(String conversationId) {
        String key = keys.conversationMembers(conversationId);
        return redis.set(String.class).smembers(key).flatMap(cached -> cached.isEmpty()
                ? loadAndCache(conversationId, key)
                : Uni.createFrom().item(cached));
    }

    public Uni<Boolean> isMember(String conversationId, String userId) {
        return members(conversationId).map(m -> m.contains(userId));
    }

    /** The conversations a user belongs to (PostgreSQL), newest first, at most {@code limit}. */
    public Uni<List<String>> conversationsOf(String userId, int limit) {
        return pg.preparedQuery("""
                        SELECT m.conversation_id FROM conversation_members m
                        JOIN conversations c ON c.id = m.conversation_id
                        WHERE m.user_id = $1 ORDER BY c.created_at DESC LIMIT $2""")
                .execute(Tuple.of(userId, limit))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0)).toList());
    }

    /** Reads the members from PostgreSQL and caches them in Redis, for a caller that already saw the cache miss. */
    public Uni<Set<String>> reload(String conversationId) {
        return loadAndCache(conversationId, keys.conversationMembers(conversationId));
    }

    private Uni<Set<String>> loadAndCache(String conversationId, String key) {
        return pg.preparedQuery("SELECT user_id FROM conversation_members WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .map(rows -> Set.copyOf(StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0)).toList()))
                .flatMap(members -> members.isEmpty()
                        ? Uni.createFrom().item(members)
                        : redis.set(String.class).sadd(key, members.toArray(String[]::new))
                                .chain(() -> redis.key().pexpire(key, config.memberCacheTtl()))
                                .replaceWith(members));
    }
}
