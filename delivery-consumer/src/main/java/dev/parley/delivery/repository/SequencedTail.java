package dev.parley.delivery.repository;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.Topics;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.platform.config.KafkaNamespace;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * What the sequenced topic holds beyond what persistence-consumer has stored: the records after
 * the {@code persistence} group's committed offset. Those seqs were given (and acknowledged to
 * senders) but PostgreSQL does not know them yet, so after a Redis loss a counter seeded from
 * PostgreSQL alone would give them again (docs/messaging.md, "Seeding").
 *
 * <p>Read only on that rare path, with plain Kafka clients on a thread of its own (KafkaConsumer
 * blocks and is not thread-safe); the scan is bounded by persistence-consumer's lag.
 */
@ApplicationScoped
public class SequencedTail {

    private static final Logger LOG = Logger.getLogger(SequencedTail.class);
    private static final Duration SCAN_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final String topic;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sequenced-tail");
        t.setDaemon(true);
        return t;
    });
    private KafkaConsumer<String, String> consumer;
    private Admin admin;

    public SequencedTail(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, KafkaNamespace topics) {
        this.bootstrap = bootstrap;
        this.topic = topics.topic(Topics.MESSAGES_SEQUENCED);
    }

    /**
     * @param conversations the conversations to learn about
     * @param messageIds    messages about to be sequenced: the seqs the tail already gave them
     */
    public Uni<Facts> read(Collection<String> conversations, Set<String> messageIds) {
        return Uni.createFrom().item(() -> scan(Set.copyOf(conversations), messageIds)).runSubscriptionOn(thread);
    }

    /**
     * @param maxSeq   per conversation, the highest seq in the tail (absent: none there)
     * @param seqOfId  per message id asked for, the lowest seq the tail gave it (the one
     *                 persistence-consumer keeps: it stores a message id once, the first time)
     * @param records  how many records were read
     */
    public record Facts(Map<String, Long> maxSeq, Map<String, Long> seqOfId, long records) {
    }

    private Facts scan(Set<String> conversations, Set<String> messageIds) {
        long start = System.nanoTime();
        KafkaConsumer<String, String> kafka = consumer();
        int partitions = kafka.partitionsFor(topic, SCAN_TIMEOUT).size();
        Set<TopicPartition> wanted = new HashSet<>();
        for (String conversation : conversations) {
            wanted.add(new TopicPartition(topic, partitionOf(conversation, partitions)));
        }
        Map<TopicPartition, Long> from = persistedUpTo(wanted, kafka.beginningOffsets(wanted, SCAN_TIMEOUT));
        Map<TopicPartition, Long> end = kafka.endOffsets(wanted, SCAN_TIMEOUT);
        Map<String, Long> maxSeq = new HashMap<>();
        Map<String, Long> seqOfId = new HashMap<>();
        long read = 0;
        try {
            kafka.assign(wanted);
            from.forEach(kafka::seek);
            long deadline = System.nanoTime() + SCAN_TIMEOUT.toNanos();
            while (!reachedEnd(kafka, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the tail of " + topic + " was not read within " + SCAN_TIMEOUT);
                }
                for (ConsumerRecord<String, String> record : kafka.poll(Duration.ofMillis(200))) {
                    read++;
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))
                            && conversations.contains(record.key())) {
                        learn(record.value(), messageIds, maxSeq, seqOfId);
                    }
                }
            }
        } finally {
            kafka.unsubscribe();
        }
        LOG.infof("read %d records of the sequenced tail (%d partitions) for %d conversations in %d ms",
                read, wanted.size(), conversations.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return new Facts(maxSeq, seqOfId, read);
    }

    private static void learn(String value, Set<String> messageIds, Map<String, Long> maxSeq, Map<String, Long> seqOfId) {
        ChatMessage message;
        try {
            message = Json.read(value, ChatMessage.class);
        } catch (RuntimeException e) {
            return; // a poison record: persistence-consumer dead-letters it, it holds no seq
        }
        maxSeq.merge(message.conversationId(), message.seq(), Math::max);
        if (messageIds.contains(message.id())) {
            seqOfId.merge(message.id(), message.seq(), Math::min);
        }
    }

    /** Where persistence-consumer resumes in each partition: what lies before is in PostgreSQL. */
    private Map<TopicPartition, Long> persistedUpTo(Set<TopicPartition> partitions, Map<TopicPartition, Long> logStart) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = admin().listConsumerGroupOffsets(Map.of(ConsumerGroups.PERSISTENCE,
                            new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)))
                    .partitionsToOffsetAndMetadata(ConsumerGroups.PERSISTENCE)
                    .get(SCAN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of group " + ConsumerGroups.PERSISTENCE, e);
        }
        Map<TopicPartition, Long> from = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            from.put(tp, Math.max(c == null ? 0 : c.offset(), logStart.getOrDefault(tp, 0L)));
        }
        return from;
    }

    private static boolean reachedEnd(KafkaConsumer<String, String> kafka, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (kafka.position(e.getKey(), SCAN_TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The producer's default partitioner for a keyed record (murmur2 of the key). */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private KafkaConsumer<String, String> consumer() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.CLIENT_ID_CONFIG, "delivery-sequenced-tail",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        }
        return consumer;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.CLIENT_ID_CONFIG, "delivery-sequenced-tail",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) SCAN_TIMEOUT.toMillis()));
        }
        return admin;
    }

    @PreDestroy
    void close() {
        thread.submit(() -> {
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
            }
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        });
        thread.shutdown();
    }
}
