package dev.parley.devinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.TopicSpec;
import dev.parley.contracts.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded broker is a real Kafka: topics with their partitions, produce with acks=all, consume. */
class KafkaBrokerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start(KafkaBroker.freePort(), Files.createTempDirectory("kafka-test-"), "512m");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void createsTheFleetTopicsWithTheirPartitionCounts() throws Exception {
        String prefix = "create.";
        broker.createTopics(Topics.all(prefix));
        broker.createTopics(Topics.all(prefix)); // idempotent
        try (Admin admin = broker.admin()) {
            var described = admin.describeTopics(Topics.all(prefix).stream().map(TopicSpec::name).toList())
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicSpec spec : Topics.all(prefix)) {
                assertEquals(spec.partitions(), described.get(spec.name()).partitions().size(), spec.name());
            }
        }
    }

    @Test
    void producesAndConsumesInKeyOrder() throws Exception {
        TopicSpec topic = Topics.MESSAGES_INBOUND.withPrefix("roundtrip.");
        broker.createTopics(List.of(topic));
        int count = 500;
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic.name(), "conv-" + (i % 7), Integer.toString(i)));
            }
            producer.flush();
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            // Every partition assigned directly, read from the start: what is checked is the broker's
            // log and ordering, not group coordination (a slow rebalance on a loaded machine left a
            // partition unread within the wait).
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (received.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }
        }
        assertEquals(count, received.size());
        // per key, values arrive in the order they were produced
        for (int k = 0; k < 7; k++) {
            String key = "conv-" + k;
            List<Integer> values = received.stream().filter(r -> r.key().equals(key))
                    .map(r -> Integer.parseInt(r.value())).toList();
            assertEquals(values.stream().sorted().toList(), values, key);
        }
    }
}
