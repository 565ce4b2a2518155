package dev.parley.delivery.repository;

import dev.parley.contracts.RedisKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which ws-service pods hold connections of which users: the hashes {@code presence:<user>} (device → pod). */
@ApplicationScoped
public class PresenceStore {

    private final RedisKeys keys;
    private final RedisPipeline pipeline;

    public PresenceStore(RedisKeys keys, RedisPipeline pipeline) {
        this.keys = keys;
        this.pipeline = pipeline;
    }

    /** user → the pods it is connected to, for the given users (one pipelined HGETALL each); offline users map to nothing. */
    public Uni<Map<String, Set<String>>> podsByUser(Set<String> userIds) {
        List<String> users = new ArrayList<>(userIds);
        List<Request> reads = new ArrayList<>(users.size());
        for (String user : users) {
            reads.add(Request.cmd(Command.HGETALL).arg(keys.presence(user)));
        }
        return pipeline.run(reads).map(replies -> {
            Map<String, Set<String>> pods = new HashMap<>();
            for (int i = 0; i < replies.size(); i++) {
                List<String> devicePods = RedisPipeline.hashValues(replies.get(i));
                if (!devicePods.isEmpty()) {
                    pods.put(users.get(i), new TreeSet<>(devicePods));
                }
            }
            return pods;
        });
    }
}
