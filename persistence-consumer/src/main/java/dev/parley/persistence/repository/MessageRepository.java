package dev.parley.persistence.repository;

import dev.parley.contracts.chat.ChatMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The {@code messages} table: batched idempotent inserts and history reads by seq. */
@ApplicationScoped
public class MessageRepository {

    /**
     * One statement for a whole batch: arrays in, one row per element out of unnest. ON CONFLICT
     * without a target skips a row that collides on the id or on (conversation_id, seq).
     */
    private static final String INSERT_BATCH = """
            INSERT INTO messages (id, conversation_id, seq, sender_id, sender_device, sender_pod, client_msg_id, body, sent_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
            ON CONFLICT DO NOTHING
            RETURNING id""";

    private static final String EXISTING_IDS = "SELECT id FROM messages WHERE id = ANY($1::uuid[])";

    private static final String COLUMNS = "id, conversation_id, seq, sender_id, sender_device, sender_pod, client_msg_id, body, sent_at";

    private static final String AFTER = "SELECT " + COLUMNS
            + " FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3";

    private static final String BEFORE = "SELECT " + COLUMNS
            + " FROM messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3";

    private final Pool pool;

    public MessageRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the messages (ids must be distinct); returns the ids of the rows actually inserted. */
    public Uni<Set<UUID>> insertAll(List<ChatMessage> messages) {
        int n = messages.size();
        UUID[] ids = new UUID[n];
        String[] conversations = new String[n];
        Long[] seqs = new Long[n];
        String[] senders = new String[n];
        String[] devices = new String[n];
        String[] pods = new String[n];
        String[] clientIds = new String[n];
        String[] bodies = new String[n];
        OffsetDateTime[] sentAt = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            ChatMessage m = messages.get(i);
            ids[i] = UUID.fromString(m.id());
            conversations[i] = m.conversationId();
            seqs[i] = m.seq();
            senders[i] = m.senderId();
            devices[i] = m.senderDevice();
            pods[i] = m.senderPod();
            clientIds[i] = m.clientMsgId();
            bodies[i] = m.body();
            sentAt[i] = OffsetDateTime.ofInstant(Instant.ofEpochMilli(m.sentAt()), ZoneOffset.UTC);
        }
        Tuple params = Tuple.tuple()
                .addArrayOfUUID(ids).addArrayOfString(conversations).addArrayOfLong(seqs)
                .addArrayOfString(senders).addArrayOfString(devices).addArrayOfString(pods)
                .addArrayOfString(clientIds).addArrayOfString(bodies).addArrayOfOffsetDateTime(sentAt);
        return pool.preparedQuery(INSERT_BATCH).execute(params).map(MessageRepository::uuids);
    }

    /** Which of these ids are already stored. */
    public Uni<Set<UUID>> existingIds(List<UUID> ids) {
        return pool.preparedQuery(EXISTING_IDS).execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new))).map(MessageRepository::uuids);
    }

    /** Messages with seq greater than {@code afterSeq}, ascending, at most {@code limit}. */
    public Uni<List<ChatMessage>> after(String conversationId, long afterSeq, int limit) {
        return pool.preparedQuery(AFTER).execute(Tuple.of(conversationId, afterSeq, limit)).map(MessageRepository::messages);
    }

    /** Messages with seq lower than {@code beforeSeq}, DESCENDING, at most {@code limit}. */
    public Uni<List<ChatMessage>> before(String conversationId, long beforeSeq, int limit) {
        return pool.preparedQuery(BEFORE).execute(Tuple.of(conversationId, beforeSeq, limit)).map(MessageRepository::messages);
    }

    private static Set<UUID> uuids(RowSet<Row> rows) {
        Set<UUID> out = new HashSet<>();
        for (Row row : rows) {
            out.add(row.getUUID(0));
        }
        return out;
    }

    private static List<ChatMessage> messages(RowSet<Row> rows) {
        List<ChatMessage> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            out.add(new ChatMessage(
                    r.getUUID("id").toString(),
                    r.getString("conversation_id"),
                    r.getLong("seq"),
                    r.getString("sender_id"),
                    r.getString("sender_device"),
                    r.getString("sender_pod"),
                    r.getString("client_msg_id"),
                    r.getString("body"),
                    r.getOffsetDateTime("sent_at").toInstant().toEpochMilli()));
        }
        return out;
    }
}
