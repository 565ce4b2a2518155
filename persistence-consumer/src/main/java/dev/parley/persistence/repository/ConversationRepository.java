package dev.parley.persistence.repository;

import dev.parley.contracts.chat.Conversation;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** conversations and conversation_members; every statement is parameterized. */
@ApplicationScoped
public class ConversationRepository {

    private static final String SELECT = """
            SELECT c.id, c.kind, c.title, c.created_by, c.created_at,
                   array(SELECT m.user_id FROM conversation_members m WHERE m.conversation_id = c.id ORDER BY m.user_id) AS members
            FROM conversations c""";

    private static final String FIND = SELECT + " WHERE c.id = $1";

    private static final String LIST_FOR_MEMBER = SELECT
            + " JOIN conversation_members me ON me.conversation_id = c.id AND me.user_id = $1"
            + " ORDER BY c.created_at DESC, c.id DESC LIMIT $2";

    private static final String INSERT = """
            INSERT INTO conversations (id, kind, title, created_by) VALUES ($1, $2, $3, $4)
            ON CONFLICT (id) DO NOTHING
            RETURNING id""";

    private static final String INSERT_MEMBERS = """
            INSERT INTO conversation_members (conversation_id, user_id)
            SELECT $1, u FROM unnest($2::text[]) AS u""";

    private static final String MEMBERSHIP = """
            SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1) AS known,
                   array(SELECT user_id FROM conversation_members WHERE conversation_id = $1) AS members""";

    private final Pool pool;

    public ConversationRepository(Pool pool) {
        this.pool = pool;
    }

    /** The result of a create: the stored conversation, and whether this call created it. */
    public record Created(Conversation conversation, boolean created) {
    }

    /** The members of a conversation, or {@code known == false} when there is no such conversation. */
    public record Membership(boolean known, List<String> members) {
    }

    /**
     * Creates the conversation with its members in one transaction. When the id exists already
     * (a direct conversation created before, or concurrently) nothing is written and the stored one
     * is returned.
     */
    public Uni<Created> create(String id, String kind, String title, List<String> members, String createdBy) {
        return pool.withTransaction(tx -> tx.preparedQuery(INSERT).execute(Tuple.of(id, kind, title, createdBy))
                .chain(inserted -> {
                    if (inserted.rowCount() == 0) {
                        return find(tx, id).map(existing -> new Created(existing, false));
                    }
                    return tx.preparedQuery(INSERT_MEMBERS)
                            .execute(Tuple.of(id).addArrayOfString(members.toArray(String[]::new)))
                            .chain(() -> find(tx, id))
                            .map(stored -> new Created(stored, true));
                }));
    }

    /** The conversation, or null. */
    public Uni<Conversation> find(String id) {
        return find(pool, id);
    }

    public Uni<List<Conversation>> listFor(String userId, int limit) {
        return pool.preparedQuery(LIST_FOR_MEMBER).execute(Tuple.of(userId, limit)).map(rows -> {
            List<Conversation> out = new ArrayList<>(rows.size());
            rows.forEach(row -> out.add(conversation(row)));
            return out;
        });
    }

    public Uni<Membership> membership(String conversationId) {
        return pool.preparedQuery(MEMBERSHIP).execute(Tuple.of(conversationId)).map(rows -> {
            Row row = rows.iterator().next();
            return new Membership(row.getBoolean("known"), Arrays.asList(row.getArrayOfStrings("members")));
        });
    }

    private static Uni<Conversation> find(SqlClient client, String id) {
        return client.preparedQuery(FIND).execute(Tuple.of(id)).map(ConversationRepository::firstOrNull);
    }

    private static Conversation firstOrNull(RowSet<Row> rows) {
        return rows.size() == 0 ? null : conversation(rows.iterator().next());
    }

    private static Conversation conversation(Row row) {
        return new Conversation(
                row.getString("id"),
                row.getString("kind"),
                row.getString("title"),
                List.of(row.getArrayOfStrings("members")),
                row.getString("created_by"),
                row.getOffsetDateTime("created_at").toInstant());
    }
}
