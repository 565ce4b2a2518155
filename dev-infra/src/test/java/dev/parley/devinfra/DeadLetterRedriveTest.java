package dev.parley.devinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.DeadLetterHeaders;
import dev.parley.contracts.TopicSpec;
import dev.parley.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dead letters of either consumer go back to their source topic, selected by reason, unchanged. */
class DeadLetterRedriveTest {

    private static KafkaBroker broker;
    private static final TopicSpec DLQ = Topics.MESSAGES_DEAD_LETTER.withPrefix("redrive.");
    private static final TopicSpec INBOUND = Topics.MESSAGES_INBOUND.withPrefix("redrive.");
    private static final TopicSpec SEQUENCED = Topics.MESSAGES_SEQUENCED.withPrefix("redrive.");

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start(KafkaBroker.freePort(), Files.createTempDirectory("kafka-redrive-"), "512m");
        broker.createTopics(List.of(DLQ, INBOUND, SEQUENCED));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void selectedLettersGoBackToTheirSourceTopicUnchanged() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            letter(producer, "c1", "{\"a\":1}", "invalid: body is missing", ConsumerGroups.DELIVERY, INBOUND.name(), 3, 17);
            letter(producer, "c2", "{\"b\":2}", "rejected: title too long", ConsumerGroups.PERSISTENCE, SEQUENCED.name(), 1, 5);
            letter(producer, "c3", "{\"c\":3}", "invalid: seq missing", ConsumerGroups.PERSISTENCE, SEQUENCED.name(), 0, 9);
            producer.flush();
        }

        DeadLetterRedrive.Result dry = DeadLetterRedrive.run(broker.bootstrapServers(), DLQ.name(), 0, "invalid", true);
        assertEquals(new DeadLetterRedrive.Result(3, 2, 1), dry);
        assertEquals(List.of(), read(INBOUND.name(), 0, Duration.ofSeconds(2)), "a dry run writes nothing");

        DeadLetterRedrive.Result run = DeadLetterRedrive.run(broker.bootstrapServers(), DLQ.name(), 0, "invalid", false);
        assertEquals(new DeadLetterRedrive.Result(3, 2, 1), run);
        List<ConsumerRecord<String, String>> inbound = read(INBOUND.name(), 1, Duration.ofSeconds(30));
        assertEquals("c1", inbound.get(0).key());
        assertEquals("{\"a\":1}", inbound.get(0).value());
        assertEquals(DLQ.name() + "/0@0", new String(inbound.get(0).headers().lastHeader(DeadLetterHeaders.REDRIVEN_FROM).value(), StandardCharsets.UTF_8));
        List<ConsumerRecord<String, String>> sequenced = read(SEQUENCED.name(), 1, Duration.ofSeconds(30));
        assertEquals(List.of("c3"), sequenced.stream().map(ConsumerRecord::key).toList(), "only the letters whose reason matched");

        assertEquals(new DeadLetterRedrive.Result(1, 1, 0), DeadLetterRedrive.run(broker.bootstrapServers(), DLQ.name(), 2, null, true),
                "--from skips the letters before the offset");
    }

    private static void letter(KafkaProducer<String, String> producer, String key, String value, String reason, String group,
                               String topic, int partition, long offset) {
        ProducerRecord<String, String> r = new ProducerRecord<>(DLQ.name(), key, value);
        DeadLetterHeaders.of(reason, group, topic, partition, offset).forEach((n, v) -> r.headers().add(n, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(r);
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int atLeast, Duration wait) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "read-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && (found.size() < atLeast || atLeast == 0)) {
                consumer.poll(Duration.ofMillis(200)).forEach(found::add);
            }
        }
        if (found.size() < atLeast) {
            throw new AssertionError(atLeast + " records expected on " + topic + " within " + wait + ", got " + found.size());
        }
        return found;
    }
}
