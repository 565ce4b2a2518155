package dev.parley.ws.ws;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.devinfra.test.ChatClient;
import dev.parley.devinfra.test.ChatPostgresTestResource;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.ws.config.PodIdentity;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The pod's delivery-channel subscription outlives its Redis connection. Redis dropping the
 * connection is what a Redis restart does to every client; here only the pub/sub connections are
 * dropped ({@code CLIENT KILL TYPE pubsub}), so the rest of the test's Redis stays as it is.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = ChatPostgresTestResource.class, restrictToAnnotatedClass = true)
class PodChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TestHTTPResource("/")
    URL base;
    @Inject
    TokenCodec tokens;
    @Inject
    RedisKeys keys;
    @Inject
    RedisDataSource redis;
    @Inject
    Pool pg;
    @Inject
    PodIdentity pod;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @ConfigProperty(name = "parley.kafka.topic-prefix")
    String topicPrefix;

    @Test
    void aLostSubscriptionIsMadeAgainAndItsClientsAreToldToSync() {
        ChatFixture fixture = new ChatFixture(pg, redis, keys, bootstrap, topicPrefix + "parley.messages.inbound");
        String conv = fixture.conversation("pc-alice", "pc-bob");
        String ws = "ws://" + base.getHost() + ":" + base.getPort();
        try (ChatClient bob = ChatClient.connect(ws, tokens.mint("pc-bob", null, Duration.ofMinutes(5)), "b1")) {
            ChatMessage before = fixture.deliver(fixture.message(conv, "pc-alice", 1), 1, pod.podId(), List.of("pc-bob"));
            assertEquals(before.id(), bob.await(f -> "msg".equals(f.type()), WAIT).message().id());

            redis.execute("CLIENT", "KILL", "TYPE", "pubsub");
            assertEquals(0L, redis.execute("PUBSUB", "NUMSUB", keys.podChannel(pod.podId())).get(1).toLong(),
                    "the pod's subscription is gone");

            assertEquals("pod_channel_lost", bob.await(f -> "sync_needed".equals(f.type()), WAIT).reason(),
                    "whatever was published meanwhile is missed: the client is told to sync");
            ChatMessage after = fixture.deliver(fixture.message(conv, "pc-alice", 2), 2, pod.podId(), List.of("pc-bob"));
            assertEquals(after.id(), bob.await(f -> "msg".equals(f.type()) && f.message().seq() == 2, WAIT).message().id(),
                    "deliveries reach the pod live again");
            assertEquals(1L, redis.execute("PUBSUB", "NUMSUB", keys.podChannel(pod.podId())).get(1).toLong(),
                    "subscribed once, not twice");
            Boolean subscribed = given().get("/q/health/ready").then().extract()
                    .path("checks.find { it.name == 'ws-service pod registration' }.data.deliveryChannel");
            assertTrue(subscribed, "readiness reports the channel");
        }
    }
}
