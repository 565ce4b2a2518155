package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.delivery.config.DeliveryConfig;
import dev.parley.platform.redis.RedisScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.set.ReactiveSetCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
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
    private final RedisPipeline pipeline;
    private final ChatDatabase database;
    private final long ttlMillis;

    public MemberStore(ReactiveRedisDataSource redis, RedisKeys keys, RedisPipeline pipeline, ChatDatabase database,
                       DeliveryConfig config) {
        this.keys = keys;
        this.pipeline = pipeline;
        this.sets = redis.set(String.class);
        this.refill = RedisScript.fromClasspath(redis, "lua/refill-members.lua");
        this.database = database;
        this.ttlMillis = config.membersCacheTtl().toMillis();
    }

    /** The members of each conversation, same order: one pipelined SMEMBERS each, PostgreSQL on a miss. */
    public Uni<List<Set<String>>> membersOf(List<String> conversationIds) {
        List<Request> reads = new ArrayList<>(conversationIds.size());
        for (String conversation : conversationIds) {
            reads.add(Request.cmd(Command.SMEMBERS).arg(keys.conversationMembers(conversation)));
        }
        return pipeline.run(reads).chain(replies -> {
            List<Uni<Set<String>>> each = new ArrayList<>(replies.size());
            for (int i = 0; i < replies.size(); i++) {
                Set<String> cached = RedisPipeline.strings(replies.get(i));
                each.add(cached.isEmpty() ? members(conversationIds.get(i)) : Uni.createFrom().item(cached));
            }
            return Uni.join().all(each).andFailFast();
        });
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
