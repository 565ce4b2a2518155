package dev.parley.delivery.messaging;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.Topics;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.devinfra.test.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Redis is unreachable for the whole run: once a message's retries are used up, the channel
 * stops instead of skipping it. Its offset is not committed, nothing reaches the sequenced or the
 * dead-letter topic, and liveness reports the failure so the pod is restarted and reads it again.
 */
@QuarkusTest
@TestProfile(RetriesExhaustedTest.RedisDown.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class RetriesExhaustedTest {

    public static class RedisDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.redis.hosts", "redis://127.0.0.1:1",
                    "parley.redis.key-prefix", "t-redis-down:",
                    // Never reached (Redis fails first); a database that always exists, nothing is written.
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/postgres",
                    "parley.delivery.retry.max-retries", "2",
                    "parley.delivery.retry.initial-backoff", "PT0.05S",
                    "parley.delivery.retry.max-backoff", "PT0.1S");
        }
    }

    @Test
    void aMessageThatCannotBeDeliveredStopsTheChannelWithoutBeingCommittedOrSkipped() {
        try (KafkaTestClient kafka = new KafkaTestClient()) {
            String conv = "stuck-" + UUID.randomUUID();
            ChatMessage m = new ChatMessage(UUID.randomUUID().toString(), conv, 0, "u1", "d1", "podA", "c1", "hello", System.currentTimeMillis());
            kafka.send(Topics.MESSAGES_INBOUND.name(), conv, Json.write(m));

            Eventually.assertWithin(Duration.ofSeconds(90), () ->
                    given().get("/q/health/live").then().statusCode(503).body("status", equalTo("DOWN")));

            // the failed poll's offset is not committed: a restarted pod reads it again
            kafka.assertNotFullyCommitted(Topics.MESSAGES_INBOUND.name(), ConsumerGroups.DELIVERY);
            assertEquals(0, kafka.endOffsets(Topics.MESSAGES_SEQUENCED.name()).values().stream().mapToLong(Long::longValue).sum());
            assertEquals(0, kafka.endOffsets(Topics.MESSAGES_DEAD_LETTER.name()).values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
