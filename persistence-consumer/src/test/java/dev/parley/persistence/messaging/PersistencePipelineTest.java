package dev.parley.persistence.messaging;

import static dev.parley.persistence.TestSupport.await;
import static dev.parley.persistence.TestSupport.config;
import static dev.parley.persistence.TestSupport.message;
import static dev.parley.persistence.TestSupport.topic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.DeadLetterHeaders;
import dev.parley.contracts.Topics;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The consumer group end to end on a real broker and database: batched exactly-once rows,
 * poison records to the DLQ, offsets committed only after the batch is durable.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PersistencePipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    private KafkaProducer<String, byte[]> producer;
    private final List<ChatMessage> firstThousand = new ArrayList<>();

    @BeforeAll
    void producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    void close() {
        producer.close(Duration.ofSeconds(5));
    }

    @Test
    @Order(1)
    void thousandMessagesLandExactlyOnceInBatches() throws Exception {
        for (int c = 0; c < 25; c++) {
            for (int seq = 1; seq <= 40; seq++) {
                firstThousand.add(message("batch-" + c, seq));
            }
        }
        send(firstThousand);

        await("1000 rows", WAIT, () -> count("SELECT count(*) FROM messages WHERE conversation_id LIKE 'batch-%'") == 1000);
        assertEquals(1000, count("SELECT count(DISTINCT id) FROM messages WHERE conversation_id LIKE 'batch-%'"));
        assertEquals(25, count("SELECT count(*) FROM (SELECT conversation_id FROM messages WHERE conversation_id LIKE 'batch-%'"
                + " GROUP BY conversation_id HAVING count(*) = 40 AND min(seq) = 1 AND max(seq) = 40) per_conversation"));
        // A stored row reads back as it was sent.
        ChatMessage sample = firstThousand.get(123);
        var row = pool.preparedQuery("SELECT sender_device, sender_pod, body, client_msg_id, (extract(epoch FROM sent_at) * 1000)::bigint"
                + " FROM messages WHERE id = $1").execute(Tuple.of(UUID.fromString(sample.id()))).await().indefinitely().iterator().next();
        assertEquals(sample.senderDevice(), row.getString(0));
        assertEquals(sample.senderPod(), row.getString(1));
        assertEquals(sample.body(), row.getString(2));
        assertEquals(sample.clientMsgId(), row.getString(3));
        assertEquals(sample.sentAt(), row.getLong(4));

        DistributionSummary batches = registry.find("parley.persistence.batch.size").summary();
        System.out.printf("persisted 1000 messages in %d batches (mean %.1f records, max %.0f)%n",
                batches.count(), batches.mean(), batches.max());
        assertTrue(batches.totalAmount() >= 1000, "records counted into batches");
        assertTrue(batches.totalAmount() / batches.count() > 1.0,
                "batches really hold more than one record: " + batches.count() + " batches for " + batches.totalAmount() + " records");
        assertTrue(counter("parley.persistence.rows.inserted") >= 1000);
        assertTrue(registry.find("parley.persistence.batch.insert").timer().count() >= 1);
    }

    @Test
    @Order(2)
    void redeliveredMessagesAddNothingAndAreCountedAsDuplicates() throws Exception {
        double duplicatesBefore = counter("parley.persistence.rows.duplicate");
        send(firstThousand.subList(0, 200));

        await("200 duplicates skipped", WAIT, () -> counter("parley.persistence.rows.duplicate") >= duplicatesBefore + 200);
        assertEquals(1000, count("SELECT count(*) FROM messages WHERE conversation_id LIKE 'batch-%'"));
    }

    @Test
    @Order(3)
    void poisonRecordsGoToTheDeadLetterTopicAndTheRestOfTheBatchIsStored() throws Exception {
        byte[] malformed = "{\"id\": \"not even json".getBytes(StandardCharsets.UTF_8);
        byte[] seqZero = Json.write(message("dlq-conv", 0)).getBytes(StandardCharsets.UTF_8);
        ChatMessage first = message("dlq-conv", 1);
        ChatMessage second = message("dlq-conv", 2);
        // A different message claiming a seq that is already stored: a sequencing fault, never silently dropped.
        ChatMessage conflicting = message("dlq-conv", 1);
        String sequenced = topic(Topics.MESSAGES_SEQUENCED.name());
        producer.send(new ProducerRecord<>(sequenced, "dlq-conv", Json.write(first).getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(sequenced, "dlq-conv", malformed));
        producer.send(new ProducerRecord<>(sequenced, "dlq-conv", seqZero));
        producer.send(new ProducerRecord<>(sequenced, "dlq-conv", Json.write(second).getBytes(StandardCharsets.UTF_8)));
        producer.flush();

        await("valid records stored", WAIT, () -> count("SELECT count(*) FROM messages WHERE conversation_id = 'dlq-conv'") == 2);
        producer.send(new ProducerRecord<>(sequenced, "dlq-conv", Json.write(conflicting).getBytes(StandardCharsets.UTF_8))).get();

        Map<String, byte[]> reasons = readDeadLetters(3);
        assertEquals(3, reasons.size(), "dead letters: " + reasons.keySet());
        String undecodable = only(reasons, "undecodable JSON");
        assertArrayEquals(malformed, reasons.get(undecodable), "original value kept byte for byte");
        String zero = only(reasons, "seq must be > 0");
        assertArrayEquals(seqZero, reasons.get(zero));
        String conflict = only(reasons, "seq conflict");
        assertArrayEquals(Json.write(conflicting).getBytes(StandardCharsets.UTF_8), reasons.get(conflict));

        assertEquals(2, count("SELECT count(*) FROM messages WHERE conversation_id = 'dlq-conv'"));
        assertEquals(0, count("SELECT count(*) FROM messages WHERE id = '" + conflicting.id() + "'"));
        await("DLQ counted", WAIT, () -> registry.find("parley.persistence.dlq.records").counters().stream()
                .mapToDouble(Counter::count).sum() >= 3);
    }

    @Test
    @Order(4)
    void offsetsAreCommittedOnlyAfterTheBatchIsDurable() throws Exception {
        String sequenced = topic(Topics.MESSAGES_SEQUENCED.name());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers")))) {
            await("earlier batches committed", WAIT, () -> committed(admin, sequenced) == end(admin, sequenced));
            long committedBefore = committed(admin, sequenced);
            double retriesBefore = counter("parley.persistence.retries");

            // The database refuses every write: the table is gone for a while.
            execute("ALTER TABLE messages RENAME TO messages_offline");
            List<ChatMessage> outage = new ArrayList<>();
            for (int seq = 1; seq <= 50; seq++) {
                outage.add(message("outage-" + (seq % 5), (seq + 4) / 5));
            }
            try {
                send(outage);
                await("insert attempts failing and retried", WAIT, () -> counter("parley.persistence.retries") >= retriesBefore + 2);
                Thread.sleep(2500); // longer than the commit interval: a wrongly acked batch would show now
                assertEquals(committedBefore, committed(admin, sequenced), "nothing committed while the batch is not durable");
                assertEquals(committedBefore + 50, end(admin, sequenced));
            } finally {
                execute("ALTER TABLE messages_offline RENAME TO messages");
            }

            await("written after recovery", WAIT, () -> count("SELECT count(*) FROM messages WHERE conversation_id LIKE 'outage-%'") == 50);
            await("committed after recovery", WAIT, () -> committed(admin, sequenced) == end(admin, sequenced));
            assertEquals(50, count("SELECT count(DISTINCT id) FROM messages WHERE conversation_id LIKE 'outage-%'"));
            assertEquals(50, outage.stream().map(ChatMessage::id).distinct().count());
        }
    }

    private void send(List<ChatMessage> messages) throws ExecutionException, InterruptedException {
        String sequenced = topic(Topics.MESSAGES_SEQUENCED.name());
        for (ChatMessage m : messages) {
            producer.send(new ProducerRecord<>(sequenced, m.conversationId(), Json.write(m).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    private Map<String, byte[]> readDeadLetters(int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config("kafka.bootstrap.servers"));
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, byte[]> byReason = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic(Topics.MESSAGES_DEAD_LETTER.name())));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (byReason.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    var header = r.headers().lastHeader(DeadLetterHeaders.REASON);
                    assertTrue(header != null, "every dead letter carries a reason");
                    assertEquals(ConsumerGroups.PERSISTENCE, new String(r.headers().lastHeader(DeadLetterHeaders.CONSUMER_GROUP).value(), StandardCharsets.UTF_8));
                    assertEquals(topic(Topics.MESSAGES_SEQUENCED.name()),
                            new String(r.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC).value(), StandardCharsets.UTF_8),
                            "the source, for a re-drive, in the same headers as delivery-consumer's");
                    assertEquals("dlq-conv", r.key());
                    byReason.put(new String(header.value(), StandardCharsets.UTF_8), r.value());
                }
            }
        }
        return byReason;
    }

    private static String only(Map<String, byte[]> reasons, String fragment) {
        List<String> matching = reasons.keySet().stream().filter(r -> r.contains(fragment)).toList();
        assertEquals(1, matching.size(), "one reason containing '" + fragment + "' in " + reasons.keySet());
        return matching.get(0);
    }

    private long committed(Admin admin, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(ConsumerGroups.PERSISTENCE)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long end(Admin admin, String topic) {
        try {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> request = partitions.stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private double counter(String name) {
        Counter c = registry.find(name).counter();
        return c == null ? 0 : c.count();
    }

    private long count(String sql) {
        return pool.query(sql).execute().await().indefinitely().iterator().next().getLong(0);
    }

    private void execute(String sql) {
        pool.query(sql).execute().await().indefinitely();
    }
}
