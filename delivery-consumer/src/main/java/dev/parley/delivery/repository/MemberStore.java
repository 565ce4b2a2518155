package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.delivery.config.DeliveryConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.smallrye.mutiny.Uni;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Members of a conversation: the Redis set {@code conv:{c}:members}, refilled from PostgreSQL on a miss.
 * Created at start-up, so its script is read from the classpath there and not on the event loop.
 */
@Startup
@ApplicationScoped
public class MemberStore {

    private final RedisKeys keys;
    private final ReactiveSetCommands<String, String> sets;
    private final RedisScript refill;
    private final ChatDatabase database;
    private final long ttlMillis;

    public MemberStore(ReactiveRedisDataSource redis, RedisKeys keys, ChatDatabase database, DeliveryConfig config) {
        this.keys = keys;
        this.sets = redis.set(String.class);
        this.refill = RedisScript.fromClasspath(redis, "lua/refill-members.lua");
        this.database = database;
        this.ttlMillis = config.membersCacheTtl().toMillis();
    }

    public Uni<Set<String>> members(String conversationId) {
        String key = keys.conversationMembers(conversationId);
        return sets.smembers(key).chain(cached -> cached.isEmpty()
                ? database.members(conversationId).call(members -> cache(key, members))
                : Uni.createFrom().item(cached));
    }

    private Uni<Void> cache(String key, Set<String> members) {
        if (members.isEmpty()) {
            return Uni.createFrom().voidItem(); // an unknown conversation is not cached (SADD needs members)
        }
        List<String> args = new ArrayList<>(members.size() + 1);
        args.add(Long.toString(ttlMillis));
        args.addAll(members);
        return refill.run(List.of(key), args).replaceWithVoid();
    }
}
