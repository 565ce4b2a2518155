package dev.parley.ws.ws;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.json.Json;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test data and the parts of the pipeline ws-service talks to, played by the test. */
final class ChatFixture {

    private final Pool pg;
    private final RedisDataSource redis;
    private final RedisKeys keys;
    private final String bootstrap;
    private final String inboundTopic;

    ChatFixture(Pool pg, RedisDataSource redis, RedisKeys keys, String bootstrap, String inboundTopic) {
        this.pg = pg;
        this.redis = redis;
        this.keys = keys;
        this.bootstrap = bootstrap;
        this.inboundTopic = inboundTopic;
    }

    String conversation(String... members) {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 8);
        pg.preparedQuery("INSERT INTO conversations (id, kind, title, created_by) VALUES ($1, 'group', 't', $2)")
                .execute(Tuple.of(id, members[0])).await().indefinitely();
        for (String m : members) {
            pg.preparedQuery("INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2)")
                    .execute(Tuple.of(id, m)).await().indefinitely();
        }
        return id;
    }

    /** What delivery-consumer does: store in the hot window with a seq, then publish to a pod. */
    ChatMessage deliver(ChatMessage inbound, long seq, String podId, List<String> users) {
        ChatMessage sequenced = inbound.withSeq(seq);
        store(sequenced);
        redis.pubsub(String.class).publish(keys.podChannel(podId), Json.write(PodEvent.message(users, sequenced)));
        return sequenced;
    }

    void store(ChatMessage sequenced) {
        String conv = sequenced.conversationId();
        redis.sortedSet(String.class).zadd(keys.conversationHot(conv), sequenced.seq(), Json.write(sequenced));
        redis.hash(Long.class).hset(keys.conversationMessageSeq(conv), sequenced.id(), sequenced.seq());
        Long current = redis.value(Long.class).get(keys.conversationSeq(conv));
        if (current == null || current < sequenced.seq()) {
            redis.value(Long.class).set(keys.conversationSeq(conv), sequenced.seq());
        }
    }

    ChatMessage message(String conv, String sender, long seq) {
        return new ChatMessage(UUID.randomUUID().toString(), conv, seq, sender, "d1", "elsewhere", "m" + seq,
                "hello " + seq, System.currentTimeMillis());
    }

    /** Inbound records of the given conversations, waiting until {@code atLeast} arrived (or the timeout). */
    List<ChatMessage> inbound(Set<String> conversations, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ChatMessage> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(inboundTopic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && found.size() < atLeast) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    ChatMessage m = Json.read(r.value(), ChatMessage.class);
                    if (conversations.contains(m.conversationId())) {
                        if (!r.key().equals(m.conversationId())) {
                            throw new AssertionError("record key " + r.key() + " is not the conversation " + m.conversationId());
                        }
                        found.add(m);
                    }
                }
            }
        }
        return found;
    }
}
