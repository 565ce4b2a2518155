package dev.parley.delivery.repository;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends many commands in one write on one connection and reads their replies together
 * (pipelining). Redis runs them in the order sent, so commands to one key or channel keep their
 * order; a poll of hundreds of messages costs a few round trips instead of hundreds. The Uni fails
 * when any reply is an error (every caller retries the whole, idempotent step).
 */
@ApplicationScoped
public class RedisPipeline {

    private final Redis redis;

    public RedisPipeline(ReactiveRedisDataSource redis) {
        this.redis = redis.getRedis();
    }

    public Uni<List<Response>> run(List<Request> requests) {
        return requests.isEmpty() ? Uni.createFrom().item(List.of()) : redis.batch(requests);
    }

    /** The members of a SET reply (RESP2 array or RESP3 set). */
    static Set<String> strings(Response reply) {
        Set<String> values = new HashSet<>();
        if (reply != null) {
            for (Response r : reply) {
                values.add(r.toString());
            }
        }
        return values;
    }

    /** The values of a hash reply (RESP3 map, or RESP2 flat key/value array). */
    static List<String> hashValues(Response reply) {
        List<String> values = new ArrayList<>();
        if (reply == null || reply.size() == 0) {
            return values;
        }
        Set<String> keys = mapKeys(reply);
        if (keys.isEmpty()) {
            for (int i = 1; i < reply.size(); i += 2) {
                values.add(reply.get(i).toString());
            }
        } else {
            keys.forEach(k -> values.add(reply.get(k).toString()));
        }
        return values;
    }

    private static Set<String> mapKeys(Response reply) {
        try {
            return reply.getKeys();
        } catch (RuntimeException notAMap) {
            return Set.of();
        }
    }
}
