package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.platform.members.MemberDirectory;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The members of a batch of conversations at once: one pipelined SMEMBERS each (a fan-out round
 * names many conversations), and the fleet's {@link MemberDirectory} for the misses, which reloads
 * them from PostgreSQL and replaces the cached set.
 */
@ApplicationScoped
public class MemberStore {

    private final RedisKeys keys;
    private final RedisPipeline pipeline;
    private final MemberDirectory directory;

    public MemberStore(RedisKeys keys, RedisPipeline pipeline, MemberDirectory directory) {
        this.keys = keys;
        this.pipeline = pipeline;
        this.directory = directory;
    }

    /** The members of each conversation, same order. */
    public Uni<List<Set<String>>> membersOf(List<String> conversationIds) {
        List<Request> reads = new ArrayList<>(conversationIds.size());
        for (String conversation : conversationIds) {
            reads.add(Request.cmd(Command.SMEMBERS).arg(keys.conversationMembers(conversation)));
        }
        return pipeline.run(reads).chain(replies -> {
            List<Uni<Set<String>>> each = new ArrayList<>(replies.size());
            for (int i = 0; i < replies.size(); i++) {
                Set<String> cached = RedisPipeline.strings(replies.get(i));
                each.add(cached.isEmpty() ? directory.reload(conversationIds.get(i)) : Uni.createFrom().item(cached));
            }
            return Uni.join().all(each).andFailFast();
        });
    }
}
