package dev.parley.persistence.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Reads the hot window {@code conv:{c}:hot} (sorted set, score = seq, member = ChatMessage JSON)
 * that delivery-consumer writes. Read-only here.
 */
@ApplicationScoped
public class HotWindow {

    private static final Logger LOG = Logger.getLogger(HotWindow.class);

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;

    public HotWindow(ReactiveRedisDataSource redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Messages with seq > afterSeq, ascending, at most {@code count}. */
    public Uni<List<ChatMessage>> after(String conversationId, long afterSeq, int count) {
        return redis.execute("ZRANGEBYSCORE", keys.conversationHot(conversationId),
                        "(" + afterSeq, "+inf", "LIMIT", "0", Integer.toString(count))
                .map(HotWindow::decode);
    }

    /** Messages with seq < beforeSeq, DESCENDING, at most {@code count}. */
    public Uni<List<ChatMessage>> before(String conversationId, long beforeSeq, int count) {
        return redis.execute("ZREVRANGEBYSCORE", keys.conversationHot(conversationId),
                        "(" + beforeSeq, "-inf", "LIMIT", "0", Integer.toString(count))
                .map(HotWindow::decode);
    }

    private static List<ChatMessage> decode(Response response) {
        List<ChatMessage> out = new ArrayList<>();
        if (response == null) {
            return out;
        }
        for (Response member : response) {
            try {
                out.add(Json.read(member.toString(), ChatMessage.class));
            } catch (JsonDecodeException e) {
                // Left out: the gap it leaves makes the page fall back to PostgreSQL.
                LOG.warnf("undecodable hot-window entry skipped: %s", e.getMessage());
            }
        }
        return out;
    }
}
