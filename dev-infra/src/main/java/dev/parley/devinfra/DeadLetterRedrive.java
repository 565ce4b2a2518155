package dev.parley.devinfra;

import dev.parley.contracts.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-drives dead letters to the topic they came from (an operator's tool: after the cause of a
 * refusal is fixed, e.g. a bug in a consumer, the refused records are read again). Reads the
 * dead-letter topic from {@code fromOffset} up to its end as it is when the run starts (bounded:
 * letters written meanwhile wait for the next run), selects those whose reason contains
 * {@code reasonContains}, and writes each one's key and value unchanged to its
 * {@link DeadLetterHeaders#SOURCE_TOPIC}, with {@link DeadLetterHeaders#REDRIVEN_FROM} naming the
 * letter. The consumers are idempotent by message id (sequencing keeps a known id's seq,
 * persistence ignores a stored row), so a letter re-driven twice is still one message.
 */
public final class DeadLetterRedrive {

    /** What one run did: letters read, re-driven, and skipped (filtered out, or without a source). */
    public record Result(int read, int redriven, int skipped) {
    }

    private DeadLetterRedrive() {
    }

    public static Result run(String bootstrap, String deadLetterTopic, long fromOffset, String reasonContains, boolean dryRun) {
        Predicate<ConsumerRecord<byte[], byte[]>> selected = r -> reasonContains == null
                || header(r, DeadLetterHeaders.REASON).contains(reasonContains);
        int read = 0, redriven = 0, skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetterTopic).stream()
                    .map(p -> new TopicPartition(deadLetterTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.min(Math.max(0, fromOffset), end.get(tp)));
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("dead letters not read within 5 min: " + read + " read so far");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue; // written after the run started
                    }
                    read++;
                    String source = header(r, DeadLetterHeaders.SOURCE_TOPIC);
                    if (source.isEmpty() || !selected.test(r)) {
                        skipped++;
                        continue;
                    }
                    if (!dryRun) {
                        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(source, r.key(), r.value());
                        again.headers().add(DeadLetterHeaders.REDRIVEN_FROM,
                                (r.topic() + "/" + r.partition() + "@" + r.offset()).getBytes(StandardCharsets.UTF_8));
                        producer.send(again);
                    }
                    redriven++;
                }
            }
            producer.flush();
        }
        return new Result(read, redriven, skipped);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-redrive-" + UUID.randomUUID()); // assigned, never committed
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }
}
