package dev.parley.delivery.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.Topics;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.RedisKeyspace;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis loses everything (a restart of a Redis that keeps nothing on disk) while
 * persistence-consumer has not stored the newest sequenced messages yet. The counter is seeded
 * again; a seq already given must never be given again (PostgreSQL would refuse the second message
 * as a (conversation, seq) conflict: an acknowledged message lost), and a message read again keeps
 * the seq it had.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class RedisLossTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INBOUND = Topics.MESSAGES_INBOUND.name();
    private static final String SEQUENCED = Topics.MESSAGES_SEQUENCED.name();
    private static volatile boolean schemaApplied;

    @Inject
    RedisDataSource redis;
    @Inject
    RedisKeys keys;
    @Inject
    Pool pool;
    @ConfigProperty(name = "parley.redis.key-prefix")
    String redisPrefix;

    private KafkaTestClient kafka;

    @BeforeEach
    void setUp() throws IOException {
        if (!schemaApplied) {
            Path root = Path.of(System.getProperty("parley.root", ".."));
            String sql = Files.readString(root.resolve(
                    "persistence-consumer/src/main/resources/db/migration/V1__chat_schema.sql"), StandardCharsets.UTF_8);
            pool.query(sql).execute().await().atMost(Duration.ofSeconds(30));
            schemaApplied = true;
        }
        kafka = new KafkaTestClient();
    }

    @AfterEach
    void tearDown() {
        kafka.close();
    }

    @Test
    void aRedisLossWhilePersistenceLagsNeverGivesASeqTwice() {
        String conv = "loss-" + UUID.randomUUID();
        List<ChatMessage> before = List.of(message(conv, "one"), message(conv, "two"), message(conv, "three"));
        kafka.send(INBOUND, before.stream().map(m -> Map.entry(conv, Json.write(m))).toList());
        assertEquals(List.of(1L, 2L, 3L), seqs(read(conv, 3)));

        // Nothing of it reached PostgreSQL (persistence-consumer lags), then Redis restarts empty.
        loseRedis();

        // The consumer reads again from its last committed offset: "two" (sequenced before the
        // loss, its offset not committed yet) comes again, then a new message.
        ChatMessage after = message(conv, "four");
        kafka.send(INBOUND, List.of(Map.entry(conv, Json.write(before.get(1))), Map.entry(conv, Json.write(after))));
        List<ChatMessage> out = read(conv, 5);
        assertEquals(before.get(1).withSeq(2), out.get(3), "a message read again keeps its seq");
        assertEquals(after.withSeq(4), out.get(4), "the seqs still in the sequenced topic are not given again");
        assertEquals(2, redis.sortedSet(String.class).zcard(keys.conversationHot(conv)), "both in the hot window again");

        ChatMessage fifth = message(conv, "five");
        kafka.send(INBOUND, conv, Json.write(fifth));
        assertEquals(5L, read(conv, 6).get(5).seq());
        assertEquals("5", redis.value(String.class).get(keys.conversationSeq(conv)));
    }

    @Test
    void theTailAfterWhatPersistenceCommittedAndPostgresTogetherGiveTheSeed() {
        String conv = "tail-" + UUID.randomUUID();
        List<ChatMessage> sent = List.of(message(conv, "a"), message(conv, "b"), message(conv, "c"));
        kafka.send(INBOUND, sent.stream().map(m -> Map.entry(conv, Json.write(m))).toList());
        List<ConsumerRecord<String, String>> records = kafka.read(SEQUENCED, r -> conv.equals(r.key()), 3, WAIT);
        // persistence-consumer stored a and b and committed up to b; c is still only in the topic.
        List<ChatMessage> sequenced = decode(records);
        assertEquals(List.of(1L, 2L, 3L), seqs(sequenced));
        insert(sequenced.get(0));
        insert(sequenced.get(1));
        ConsumerRecord<String, String> b = records.get(1);
        kafka.commit(ConsumerGroups.PERSISTENCE, SEQUENCED, b.partition(), b.offset() + 1);
        loseRedis();

        // a (only in PostgreSQL now: before the committed offset) and c (only in the tail) are
        // read again, then d is new
        ChatMessage d = message(conv, "d");
        kafka.send(INBOUND, List.of(Map.entry(conv, Json.write(sent.get(0))), Map.entry(conv, Json.write(sent.get(2))),
                Map.entry(conv, Json.write(d))));
        List<ChatMessage> out = read(conv, 6);
        assertEquals(List.of(sent.get(0).withSeq(1), sent.get(2).withSeq(3), d.withSeq(4)), out.subList(3, 6));
    }

    private void loseRedis() {
        RedisKeyspace.deleteByPrefix(redisPrefix);
        redis.execute("SCRIPT", "FLUSH");
        assertEquals(0, redis.key().exists(keys.conversationSeq("any")) ? 1 : 0);
    }

    private void insert(ChatMessage m) {
        pool.preparedQuery("INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, body, sent_at)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(List.of(UUID.fromString(m.id()), m.conversationId(), m.seq(), m.senderId(),
                        m.clientMsgId(), m.body(), OffsetDateTime.now(ZoneOffset.UTC))))
                .await().atMost(Duration.ofSeconds(10));
    }

    private List<ChatMessage> read(String conv, int count) {
        return decode(kafka.read(SEQUENCED, r -> conv.equals(r.key()), count, WAIT));
    }

    private static List<ChatMessage> decode(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> Json.read(r.value(), ChatMessage.class)).toList();
    }

    private static List<Long> seqs(List<ChatMessage> messages) {
        return messages.stream().map(ChatMessage::seq).toList();
    }

    private static ChatMessage message(String conv, String body) {
        return new ChatMessage(UUID.randomUUID().toString(), conv, 0, "u1", "dev-u1", "podA",
                "cm-" + UUID.randomUUID(), body, System.currentTimeMillis());
    }
}
