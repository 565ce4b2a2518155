package dev.parley.devinfra.test;

import dev.parley.contracts.Topics;
import dev.parley.devinfra.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;

/**
 * A real Kafka broker for {@code @QuarkusTest}s. One broker per test JVM (it takes ~20 s to
 * start); each test class gets its own topic prefix, so classes never read each other's records.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private static KafkaBroker broker;

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            try {
                broker = KafkaBroker.start(KafkaBroker.freePort(), Files.createTempDirectory("parley-kafka-"), "512m")
                        .stoppedWithThisJvm();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
        KafkaBroker kafka = broker();
        kafka.createTopics(Topics.all(prefix));
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "parley.kafka.topic-prefix", prefix);
    }

    @Override
    public void stop() {
        // The broker outlives the test class; the JVM's shutdown hook stops it.
    }
}
