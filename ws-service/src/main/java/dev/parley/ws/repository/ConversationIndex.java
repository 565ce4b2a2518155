package dev.parley.ws.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.stream.StreamSupport;

/** The conversations a user belongs to, for frames that name none (read receipts' unread summary). */
@Singleton
public class ConversationIndex {

    private final Pool pg;

    public ConversationIndex(Pool pg) {
        this.pg = pg;
    }

    /** The conversations a user belongs to (PostgreSQL), newest first, at most {@code limit}. */
    public Uni<List<String>> conversationsOf(String userId, int limit) {
        return pg.preparedQuery("""
                        SELECT m.conversation_id FROM conversation_members m
                        JOIN conversations c ON c.id = m.conversation_id
                        WHERE m.user_id = $1 ORDER BY c.created_at DESC LIMIT $2""")
                .execute(Tuple.of(userId, limit))
                .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0)).toList());
    }
}
