package dev.parley.delivery.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Plain Kafka clients on the test's broker and topic prefix, as another service would use them. */
final class KafkaTestClient implements AutoCloseable {

    private final String bootstrap;
    private final String prefix;
    private final KafkaProducer<String, String> producer;

    KafkaTestClient() {
        var config = ConfigProvider.getConfig();
        bootstrap = config.getValue("kafka.bootstrap.servers", String.class);
        prefix = config.getOptionalValue("parley.kafka.topic-prefix", String.class).orElse("");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(props);
    }

    String topic(String name) {
        return prefix + name;
    }

    /** Sends in order and waits for every ack. */
    void send(String topicName, List<Map.Entry<String, String>> keyedValues) {
        var futures = keyedValues.stream()
                .map(kv -> producer.send(new ProducerRecord<>(topic(topicName), kv.getKey(), kv.getValue())))
                .toList();
        producer.flush();
        for (var f : futures) {
            try {
                f.get();
            } catch (Exception e) {
                throw new IllegalStateException("produce failed", e);
            }
        }
    }

    void send(String topicName, String key, String value) {
        send(topicName, List.of(Map.entry(key, value)));
    }

    /**
     * Reads the whole topic from the beginning until {@code count} records match, in partition
     * order; fails after {@code timeout}. Records of one key keep their order.
     */
    List<ConsumerRecord<String, String>> read(String topicName, Predicate<ConsumerRecord<String, String>> filter,
                                              int count, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic(topicName)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> matched = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (matched.size() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + matched.size() + " of " + count + " records on " + topicName);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (filter.test(r)) {
                        matched.add(r);
                    }
                });
            }
            // Anything beyond the expected count that is already there would be a duplicate: read once more.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                if (filter.test(r)) {
                    matched.add(r);
                }
            });
            return matched;
        }
    }

    Map<TopicPartition, Long> endOffsets(String topicName) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic(topicName)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read offsets of " + group, e);
        }
    }

    /** Sets {@code group}'s committed offset of one partition, as that group's consumer would commit it. */
    void commit(String group, String topicName, int partition, long offset) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.alterConsumerGroupOffsets(group,
                    Map.of(new TopicPartition(topic(topicName), partition), new OffsetAndMetadata(offset))).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot commit for " + group, e);
        }
    }

    /** Fails unless, in every partition of the topic that holds records, the group's offset is below the end. */
    void assertNotFullyCommitted(String topicName, String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
        endOffsets(topicName).forEach((tp, end) -> {
            OffsetAndMetadata c = committed.get(tp);
            if (end > 0 && c != null && c.offset() >= end) {
                throw new AssertionError(tp + ": " + group + " committed " + c.offset() + ", the end is " + end);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
