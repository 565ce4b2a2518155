package dev.parley.persistence.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.persistence.config.PersistenceConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The Redis set {@code conv:{c}:members}, a cache of conversation_members. */
@ApplicationScoped
public class MemberCache {

    /** Answer of {@link #isMember}: the cache does not know the conversation (key missing). */
    public enum Lookup { MEMBER, NOT_MEMBER, UNKNOWN }

    /** Replaces the set and sets its expiry in one atomic step, so the cache never holds half a set. */
    private static final String REPLACE = """
            redis.call('DEL', KEYS[1])
            for i = 2, #ARGV, 5000 do
              redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 4999, #ARGV)))
            end
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return 1""";

    /** 1 = member, 0 = not a member of a cached set, -1 = no cached set. */
    private static final String CHECK = """
            if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            return -1""";

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final long ttlSeconds;

    public MemberCache(ReactiveRedisDataSource redis, RedisKeys keys, PersistenceConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.ttlSeconds = Math.max(1, config.members().cacheTtl().toSeconds());
    }

    public Uni<Void> fill(String conversationId, Collection<String> members) {
        if (members.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>(members.size() + 4);
        args.add(REPLACE);
        args.add("1");
        args.add(keys.conversationMembers(conversationId));
        args.add(Long.toString(ttlSeconds));
        args.addAll(members);
        return redis.execute("EVAL", args.toArray(String[]::new)).replaceWithVoid();
    }

    public Uni<Lookup> isMember(String conversationId, String userId) {
        return redis.execute("EVAL", CHECK, "1", keys.conversationMembers(conversationId), userId)
                .map(MemberCache::lookup);
    }

    private static Lookup lookup(Response r) {
        long v = r == null ? -1 : r.toLong();
        return v == 1 ? Lookup.MEMBER : v == 0 ? Lookup.NOT_MEMBER : Lookup.UNKNOWN;
    }
}
