package dev.parley.ws.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Read seqs in PostgreSQL (conversation_members.read_seq): the durable copy of the Redis watermark. */
@Singleton
public class ReadStateRepository {

    private final Pool pg;

    public ReadStateRepository(Pool pg) {
        this.pg = pg;
    }

    public Uni<Void> raise(String conversationId, String userId, long seq) {
        return pg.preparedQuery("""
                        UPDATE conversation_members SET read_seq = GREATEST(read_seq, $3)
                        WHERE conversation_id = $1 AND user_id = $2""")
                .execute(Tuple.of(conversationId, userId, seq))
                .replaceWithVoid();
    }

    public Uni<Map<String, Long>> readSeqs(String userId, List<String> conversationIds) {
        if (conversationIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return pg.preparedQuery("""
                        SELECT conversation_id, read_seq FROM conversation_members
                        WHERE user_id = $1 AND conversation_id = ANY($2)""")
                .execute(Tuple.of(userId, conversationIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Long> result = new HashMap<>();
                    rows.forEach(r -> result.put(r.getString(0), r.getLong(1)));
                    return result;
                });
    }
}
