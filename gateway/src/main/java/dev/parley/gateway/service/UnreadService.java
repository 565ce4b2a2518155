package dev.parley.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contracts.RedisKeys;
import dev.parley.gateway.client.DownstreamUnavailableException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unread counts for the caller's conversations (up to 100): last seq − read seq from the keys
 * delivery-consumer and ws-service keep in Redis, never negative — the same rule ws-service's
 * {@code unread} frame follows.
 */
@ApplicationScoped
public class UnreadService {

    private static final int MAX_CONVERSATIONS = 100;

    private final ChatService chat;
    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    public UnreadService(ChatService chat, ReactiveRedisDataSource redis, RedisKeys keys, ObjectMapper json) {
        this.chat = chat;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    public Uni<Map<String, Long>> counts(Caller caller) {
        return chat.read(caller, "/conversations?member=" + URLEncoder.encode(caller.userId(), StandardCharsets.UTF_8))
                .map(r -> {
                    if (r.status() != 200) {
                        throw new DownstreamUnavailableException(502, "conversation list answered " + r.status());
                    }
                    return ids(r.body());
                })
                .chain(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUni(id -> count(id, caller.userId()).map(n -> Map.entry(id, n)))
                        .merge(16)
                        .collect().in(TreeMap<String, Long>::new, (m, e) -> m.put(e.getKey(), e.getValue())));
    }

    private Uni<Long> count(String conversationId, String userId) {
        return redis.value(String.class).get(keys.conversationSeq(conversationId))
                .chain(seq -> redis.hash(String.class).hget(keys.conversationRead(conversationId), userId)
                        .map(read -> Math.max(0L, parse(seq) - parse(read))));
    }

    private List<String> ids(byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            List<String> out = new ArrayList<>();
            for (JsonNode c : root) {
                if (out.size() == MAX_CONVERSATIONS) {
                    break;
                }
                out.add(c.path("id").asText());
            }
            return out;
        } catch (IOException e) {
            throw new DownstreamUnavailableException(502, "conversation list is not JSON");
        }
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
