package dev.parley.delivery.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads of the chat system of record (schema owned by persistence-consumer); nothing is written here. */
@ApplicationScoped
public class ChatDatabase {

    private final Pool pool;

    public ChatDatabase(Pool pool) {
        this.pool = pool;
    }

    /** Highest persisted seq of a conversation, 0 when it has no message yet. */
    public Uni<Long> maxSeq(String conversationId) {
        return pool.preparedQuery("SELECT coalesce(max(seq), 0) AS max_seq FROM messages WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .map(rows -> rows.iterator().next().getLong("max_seq"));
    }

    public Uni<Set<String>> members(String conversationId) {
        return pool.preparedQuery("SELECT user_id FROM conversation_members WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .map(rows -> {
                    Set<String> members = new LinkedHashSet<>();
                    for (Row row : rows) {
                        members.add(row.getString("user_id"));
                    }
                    return members;
                });
    }
}
