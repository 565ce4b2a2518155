package dev.parley.metrics.collector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.Topics;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.platform.config.KafkaNamespace;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Lag against the real broker: N produced, M committed → N − M; drains when the group commits the rest. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class ConsumerLagTest {

    private static final int N = 25;
    private static final int M = 7;

    @Inject
    ConsumerLagCollector collector;

    @Inject
    KafkaNamespace namespace;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void lagIsEndMinusCommittedAndDrainsWhenTheGroupCommits() throws Exception {
        String topic = namespace.topic(Topics.MESSAGES_INBOUND);
        TopicPartition p3 = new TopicPartition(topic, 3);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (int i = 0; i < N; i++) {
                producer.send(new ProducerRecord<>(topic, 3, "c1", "m" + i)).get();
            }
            admin.alterConsumerGroupOffsets(ConsumerGroups.DELIVERY, Map.of(p3, new OffsetAndMetadata(M))).all().get();

            LagReport report = collector.poll().await().atMost(Duration.ofSeconds(30));
            assertEquals(null, report.error());
            PartitionLag lag = find(report, topic, 3);
            assertEquals(N, lag.endOffset());
            assertEquals(M, lag.committedOffset());
            assertEquals(N - M, lag.lag());
            assertEquals(0, find(report, topic, 0).lag());
            assertEquals(N - M, report.totalByGroup().get(ConsumerGroups.DELIVERY));
            assertEquals(12, report.partitions().stream().filter(l -> l.group().equals("delivery")).count());

            given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                    .body(containsString("parley_kafka_consumer_lag{group=\"delivery\",partition=\"3\",topic=\""
                            + topic + "\",} " + (double) (N - M)))
                    .body(containsString("parley_kafka_consumer_group_lag{group=\"delivery\",} " + (double) (N - M)));
            given().when().get("/api/lag").then().statusCode(200)
                    .body("error", nullValue())
                    .body("totalByGroup.delivery", equalTo(N - M));

            // The group catches up and commits everything: the lag drains to zero.
            admin.alterConsumerGroupOffsets(ConsumerGroups.DELIVERY, Map.of(p3, new OffsetAndMetadata(N))).all().get();
            report = collector.poll().await().atMost(Duration.ofSeconds(30));
            assertEquals(0, find(report, topic, 3).lag());
            given().accept("text/plain").when().get("/q/metrics").then()
                    .body(containsString("parley_kafka_consumer_lag{group=\"delivery\",partition=\"3\",topic=\""
                            + topic + "\",} 0.0"));
        }
    }

    @Test
    void realQuarkusExpositionParsesWithItsReactivePoolMetrics() {
        given().when().get("/no-such-page").then().statusCode(404);
        String text = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
        ServiceSample sample = SampleExtractor.extract(1, new PrometheusTextParser(50_000).parse(text));
        org.junit.jupiter.api.Assertions.assertTrue(sample.requests() >= 1, "request counter found");
        org.junit.jupiter.api.Assertions.assertTrue(sample.heapUsed() > 0, "heap found");
        org.junit.jupiter.api.Assertions.assertTrue(sample.countWithin(0.3) >= 1, "SLO bucket 0.3 s found");
        assertEquals(1, sample.pools().size(), "one reactive PostgreSQL pool: " + sample.pools());
        assertEquals(20.0, sample.pools().get(0).max(), 1e-9, "quarkus.datasource.reactive.max-size");
    }

    private static PartitionLag find(LagReport report, String topic, int partition) {
        return report.partitions().stream()
                .filter(l -> l.group().equals(ConsumerGroups.DELIVERY) && l.topic().equals(topic) && l.partition() == partition)
                .findFirst().orElseThrow(() -> new AssertionError("no lag for " + topic + "-" + partition + " in " + report));
    }
}
