package dev.parley.delivery.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Reads of the chat system of record (schema owned by persistence-consumer); nothing is written here. */
@ApplicationScoped
public class ChatDatabase {

    private final Pool pool;

    public ChatDatabase(Pool pool) {
        this.pool = pool;
    }

    /** Highest persisted seq of each conversation that has a message (absent: none yet). */
    public Uni<Map<String, Long>> maxSeqs(Collection<String> conversationIds) {
        return pool.preparedQuery("SELECT conversation_id, max(seq) AS max_seq FROM messages"
                        + " WHERE conversation_id = ANY($1) GROUP BY conversation_id")
                .execute(Tuple.of(conversationIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Long> max = new HashMap<>();
                    for (Row row : rows) {
                        max.put(row.getString("conversation_id"), row.getLong("max_seq"));
                    }
                    return max;
                });
    }

    /** The persisted seq of each of these messages that PostgreSQL holds (message id → seq). */
    public Uni<Map<String, Long>> seqsOf(Collection<String> messageIds) {
        UUID[] ids = messageIds.stream().map(ChatDatabase::uuidOrNull).filter(Objects::nonNull).toArray(UUID[]::new);
        return pool.preparedQuery("SELECT id, seq FROM messages WHERE id = ANY($1)")
                .execute(Tuple.of(ids))
                .map(rows -> {
                    Map<String, Long> seqs = new HashMap<>();
                    for (Row row : rows) {
                        seqs.put(row.getUUID("id").toString(), row.getLong("seq"));
                    }
                    return seqs;
                });
    }

    private static UUID uuidOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null; // not a UUID: PostgreSQL cannot hold it
        }
    }
}
