package dev.parley.delivery.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.Topics;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The broker never acknowledges the sequenced records (their topic does not exist and the broker
 * creates none): the poll's pod events still go out — the produce is off the critical path — but
 * once the produce's retries are used up the poll is nacked, the channel stops, and the inbound
 * offset is not committed, so a restarted pod reads the message again.
 */
@QuarkusTest
@TestProfile(SequencedProduceFailsTest.SequencedTopicMissing.class)
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class SequencedProduceFailsTest {

    public static class SequencedTopicMissing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.outgoing.sequenced.topic", "parley.missing-" + UUID.randomUUID(),
                    // each send gives up after about a second (the sink otherwise retries for two minutes)
                    "mp.messaging.outgoing.sequenced.max.block.ms", "300",
                    "mp.messaging.outgoing.sequenced.request.timeout.ms", "500",
                    "mp.messaging.outgoing.sequenced.delivery.timeout.ms", "1000",
                    // Never reached (members and the seq counter are in Redis); a database that always exists.
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/postgres",
                    "parley.delivery.retry.max-retries", "1",
                    "parley.delivery.retry.initial-backoff", "PT0.05S",
                    "parley.delivery.retry.max-backoff", "PT0.1S");
        }
    }

    @Inject
    RedisDataSource redis;
    @Inject
    ReactiveRedisDataSource reactiveRedis;
    @Inject
    RedisKeys keys;

    @Test
    void podEventsGoOutButThePollIsNotCommittedWhenItsSequencedRecordsAreNeverAcknowledged() {
        String conv = "unacked-" + UUID.randomUUID();
        redis.set(String.class).sadd(keys.conversationMembers(conv), "u1", "u2");
        redis.value(Long.class).set(keys.conversationSeq(conv), 0L);
        ConcurrentLinkedQueue<PodEvent> events = new ConcurrentLinkedQueue<>();
        var subscriber = reactiveRedis.pubsub(String.class)
                .subscribe(keys.podChannel("podA"), payload -> events.add(Json.read(payload, PodEvent.class)))
                .await().atMost(Duration.ofSeconds(10));
        try (KafkaTestClient kafka = new KafkaTestClient()) {
            ChatMessage m = new ChatMessage(UUID.randomUUID().toString(), conv, 0, "u1", "d1", "podA", "c1", "hello",
                    System.currentTimeMillis());
            kafka.send(Topics.MESSAGES_INBOUND.name(), conv, Json.write(m));

            Eventually.assertWithin(Duration.ofSeconds(60), () -> assertEquals(1, events.size(), "the sender's echo"));
            assertEquals(1L, events.peek().message().seq());
            assertEquals(m.id(), events.peek().message().id());

            // well before the 60 s after which an unacked record alone would report the channel as stuck
            Eventually.assertWithin(Duration.ofSeconds(30), () ->
                    given().get("/q/health/live").then().statusCode(503).body("status", equalTo("DOWN")));
            // the failed poll's offset is not committed: a restarted pod reads it again
            kafka.assertNotFullyCommitted(Topics.MESSAGES_INBOUND.name(), ConsumerGroups.DELIVERY);
        } finally {
            subscriber.unsubscribe().await().atMost(Duration.ofSeconds(5));
        }
    }
}
