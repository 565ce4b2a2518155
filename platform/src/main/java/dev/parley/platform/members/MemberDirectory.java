package dev.parley.platform.members;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatLimits;
import dev.parley.platform.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who is in a conversation, for every service that asks: PostgreSQL's {@code conversation_members}
 * is the truth, the Redis set {@code conv:{c}:members} its cache (expiry
 * {@link ChatLimits#MEMBER_CACHE_TTL}). A conversation always has members, so an absent or empty
 * set means "not cached" and is reloaded; a reload replaces the set atomically, never adds to it.
 *
 * <p>A plain class: each service makes one with its own Redis client and pool (ws-service,
 * delivery-consumer, persistence-consumer), so the platform needs neither extension itself. Its
 * scripts are read from the class path when it is made, at start-up, not on the event loop.
 */
public final class MemberDirectory {

    /** Answer of {@link #lookup}: the cache does not know the conversation when UNKNOWN. */
    public enum Lookup { MEMBER, NOT_MEMBER, UNKNOWN }

    private final ReactiveRedisDataSource redis;
    private final Pool pg;
    private final RedisKeys keys;
    private final RedisScript replace;
    private final RedisScript lookup;

    public MemberDirectory(ReactiveRedisDataSource redis, Pool pg, RedisKeys keys) {
        this.redis = redis;
        this.pg = pg;
        this.keys = keys;
        this.replace = RedisScript.fromClasspath(redis, "lua/members-replace.lua");
        this.lookup = RedisScript.fromClasspath(redis, "lua/members-lookup.lua");
    }

    /** The members, from the cache or — on a miss — from PostgreSQL, cached again. */
    public Uni<Set<String>> members(String conversationId) {
        return redis.set(String.class).smembers(keys.conversationMembers(conversationId))
                .chain(cached -> cached.isEmpty() ? reload(conversationId) : Uni.createFrom().item(cached));
    }

    public Uni<Boolean> isMember(String conversationId, String userId) {
        return lookup(conversationId, userId).chain(l -> l == Lookup.UNKNOWN
                ? reload(conversationId).map(m -> m.contains(userId))
                : Uni.createFrom().item(l == Lookup.MEMBER));
    }

    /** What the cache alone says, in one round trip (the caller decides what a miss costs). */
    public Uni<Lookup> lookup(String conversationId, String userId) {
        return lookup.run(List.of(keys.conversationMembers(conversationId)), List.of(userId)).map(MemberDirectory::lookup);
    }

    /** Reads the members from PostgreSQL and caches them, for a caller that already saw the miss. */
    public Uni<Set<String>> reload(String conversationId) {
        return load(conversationId).call(members -> replace(conversationId, members));
    }

    /** The members in PostgreSQL (empty: no such conversation). */
    public Uni<Set<String>> load(String conversationId) {
        return pg.preparedQuery("SELECT user_id FROM conversation_members WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .map(rows -> {
                    Set<String> members = new LinkedHashSet<>();
                    rows.forEach(row -> members.add(row.getString(0)));
                    return members;
                });
    }

    /** Sets the cache to exactly these members (an unknown conversation, no members, is not cached). */
    public Uni<Void> replace(String conversationId, Collection<String> members) {
        if (members.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>(members.size() + 1);
        args.add(Long.toString(ChatLimits.MEMBER_CACHE_TTL.toMillis()));
        args.addAll(members);
        return replace.run(List.of(keys.conversationMembers(conversationId)), args).replaceWithVoid();
    }

    private static Lookup lookup(Response r) {
        long v = r == null ? -1 : r.toLong();
        return v == 1 ? Lookup.MEMBER : v == 0 ? Lookup.NOT_MEMBER : Lookup.UNKNOWN;
    }
}
