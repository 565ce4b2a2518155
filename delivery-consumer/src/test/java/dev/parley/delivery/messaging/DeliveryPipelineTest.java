package dev.parley.delivery.messaging;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.DeadLetterHeaders;
import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.Topics;
import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.json.Json;
import dev.parley.platform.redis.RedisScript;
import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import dev.parley.devinfra.test.RedisTestResource;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.redis.datasource.sortedset.ScoredValue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery path against a real broker, Redis and PostgreSQL: sequencing, hot store,
 * idempotent redelivery, seeding from PostgreSQL, fan-out to pod channels, dead letters, metrics.
 */
@QuarkusTest
@QuarkusTestResource(value = RedisTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class DeliveryPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INBOUND = Topics.MESSAGES_INBOUND.name();
    private static final String SEQUENCED = Topics.MESSAGES_SEQUENCED.name();
    private static final String DLQ = Topics.MESSAGES_DEAD_LETTER.name();
    private static volatile boolean schemaApplied;

    @Inject
    RedisDataSource redis;
    @Inject
    ReactiveRedisDataSource reactiveRedis;
    @Inject
    RedisKeys keys;
    @Inject
    Pool pool;

    private KafkaTestClient kafka;
    private final List<ReactiveRedisSubscriber> subscribers = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        if (!schemaApplied) {
            // The schema is persistence-consumer's; this service only reads it.
            Path root = Path.of(System.getProperty("parley.root", ".."));
            String sql = Files.readString(root.resolve(
                    "persistence-consumer/src/main/resources/db/migration/V1__chat_schema.sql"), StandardCharsets.UTF_8);
            pool.query(sql).execute().await().atMost(Duration.ofSeconds(30));
            schemaApplied = true;
        }
        kafka = new KafkaTestClient();
    }

    @AfterEach
    void tearDown() {
        subscribers.forEach(s -> s.unsubscribe().await().atMost(Duration.ofSeconds(5)));
        kafka.close();
    }

    @Test
    void sequencesDensePerConversationInKafkaOrderAndStoresTheHotWindow() {
        int conversations = 5;
        int perConversation = 40;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> convIds = new ArrayList<>();
        for (int c = 0; c < conversations; c++) {
            convIds.add("seq-" + run + "-" + c);
        }
        Map<String, List<String>> sentIds = new LinkedHashMap<>();
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = 0; i < perConversation; i++) {
            for (String conv : convIds) {
                // Bodies that would break naive text substitution of the seq field.
                String body = i == 3 ? "quote \"seq\":-1 and {\"seq\":-1} \\\"seq\\\":-1" : "héllo ✓ #" + i;
                ChatMessage m = message(conv, "u" + (i % 3), "podA", body);
                sentIds.computeIfAbsent(conv, k -> new ArrayList<>()).add(m.id());
                records.add(Map.entry(conv, Json.write(m)));
            }
        }
        long start = System.nanoTime();
        kafka.send(INBOUND, records);

        Set<String> ours = Set.copyOf(convIds);
        List<ConsumerRecord<String, String>> out = kafka.read(SEQUENCED, r -> ours.contains(r.key()),
                conversations * perConversation, WAIT);
        System.out.printf("%d messages inbound -> sequenced in %d ms%n", records.size(),
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        assertEquals(conversations * perConversation, out.size(), "one sequenced record per inbound message");

        Map<String, List<ChatMessage>> byConv = new HashMap<>();
        for (ConsumerRecord<String, String> r : out) {
            ChatMessage m = Json.read(r.value(), ChatMessage.class);
            assertEquals(r.key(), m.conversationId(), "key = conversation id");
            byConv.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(m);
        }
        for (String conv : convIds) {
            List<ChatMessage> sequenced = byConv.get(conv);
            List<Long> seqs = sequenced.stream().map(ChatMessage::seq).toList();
            List<Long> dense = java.util.stream.LongStream.rangeClosed(1, perConversation).boxed().toList();
            assertEquals(dense, seqs, "dense seqs in topic order for " + conv);
            assertEquals(sentIds.get(conv), sequenced.stream().map(ChatMessage::id).toList(), "seq follows inbound order");

            List<ScoredValue<String>> hot = redis.sortedSet(String.class).zrangeWithScores(keys.conversationHot(conv), 0, -1);
            assertEquals(perConversation, hot.size());
            for (int i = 0; i < perConversation; i++) {
                assertEquals(i + 1, (long) hot.get(i).score());
                assertEquals(Json.write(sequenced.get(i)), hot.get(i).value(), "hot entry = the sequenced JSON");
            }
            assertEquals(Integer.toString(perConversation), redis.value(String.class).get(keys.conversationSeq(conv)));
            assertEquals(perConversation, redis.hash(String.class).hlen(keys.conversationMessageSeq(conv)));
            long ttl = redis.key().pttl(keys.conversationHot(conv));
            assertTrue(ttl > 0 && ttl <= ChatLimits.HOT_WINDOW.toMillis(), "hot window expires: " + ttl);
            assertTrue(redis.key().pttl(keys.conversationMessageSeq(conv)) > 0, "ids expire with the window");
        }

        // Offsets are committed by group "delivery" once the records were processed.
        var end = kafka.endOffsets(INBOUND);
        Eventually.assertWithin(WAIT, () -> {
            var committed = kafka.committed(ConsumerGroups.DELIVERY);
            end.forEach((tp, offset) -> {
                if (offset > 0) {
                    var c = committed.get(tp);
                    assertTrue(c != null && c.offset() >= offset, tp + " committed " + c + " < " + offset);
                }
            });
        });
    }

    @Test
    void aRedeliveredMessageKeepsItsSeqAndIsStoredOnce() {
        String conv = "dup-" + UUID.randomUUID();
        ChatMessage first = message(conv, "u1", "podA", "once");
        ChatMessage second = message(conv, "u1", "podA", "twice");
        kafka.send(INBOUND, List.of(
                Map.entry(conv, Json.write(first)),
                Map.entry(conv, Json.write(first)),
                Map.entry(conv, Json.write(second))));

        List<ChatMessage> out = kafka.read(SEQUENCED, r -> conv.equals(r.key()), 3, WAIT).stream()
                .map(r -> Json.read(r.value(), ChatMessage.class)).toList();
        assertEquals(List.of(first.withSeq(1), first.withSeq(1), second.withSeq(2)), out);
        assertEquals(2L, redis.sortedSet(String.class).zcard(keys.conversationHot(conv)), "stored once");
        assertEquals("2", redis.value(String.class).get(keys.conversationSeq(conv)));
    }

    @Test
    void oneScriptCallSequencesARunOfMessagesAndKnowsTheOnesAlreadySequenced() {
        String conv = "run-" + UUID.randomUUID();
        RedisScript script = RedisScript.fromClasspath(reactiveRedis, "lua/sequence.lua");
        List<String> scriptKeys = List.of(keys.conversationSeq(conv), keys.conversationMessageSeq(conv), keys.conversationHot(conv));
        ChatMessage a = message(conv, "u1", "podA", "a");
        ChatMessage b = message(conv, "u2", "podA", "b");
        ChatMessage c = message(conv, "u1", "podA", "c");
        var first = script.run(scriptKeys, List.of("100", "60000", "0", "",
                a.id(), Json.write(a.withSeq(-1)), b.id(), Json.write(b.withSeq(-1)), a.id(), Json.write(a.withSeq(-1))))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of(1L, 1L, 2L, 1L, 1L, 0L), longs(first), "a twice in one call keeps seq 1");
        var second = script.run(scriptKeys, List.of("100", "60000", "", "",
                b.id(), Json.write(b.withSeq(-1)), c.id(), Json.write(c.withSeq(-1))))
                .await().atMost(Duration.ofSeconds(10));
        assertEquals(List.of(2L, 0L, 3L, 1L), longs(second), "a redelivered b keeps its seq, c is next");
        assertEquals(3L, redis.sortedSet(String.class).zcard(keys.conversationHot(conv)));
    }

    @Test
    void aFlushedScriptCacheIsReloadedAndThePollDelivered() {
        redis.execute("SCRIPT", "FLUSH");
        String conv = "noscript-" + UUID.randomUUID();
        ChatMessage m = message(conv, "u1", "podA", "after SCRIPT FLUSH");
        kafka.send(INBOUND, conv, Json.write(m));
        ChatMessage out = Json.read(kafka.read(SEQUENCED, r -> conv.equals(r.key()), 1, WAIT).get(0).value(), ChatMessage.class);
        assertEquals(1, out.seq());
    }

    private static List<Long> longs(io.vertx.mutiny.redis.client.Response reply) {
        List<Long> values = new ArrayList<>();
        reply.forEach(r -> values.add(r.toLong()));
        return values;
    }

    @Test
    void seedsAMissingCounterFromPostgres() {
        String conv = "seed-" + UUID.randomUUID();
        for (long seq : new long[] {40, 41, 7}) {
            pool.preparedQuery("INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, body, sent_at)"
                            + " VALUES ($1, $2, $3, 'u1', $4, 'old', $5)")
                    .execute(Tuple.of(UUID.randomUUID(), conv, seq, "c" + seq, OffsetDateTime.now(ZoneOffset.UTC)))
                    .await().atMost(Duration.ofSeconds(10));
        }
        assertEquals(0, redis.key().exists(keys.conversationSeq(conv)) ? 1 : 0);

        ChatMessage m = message(conv, "u1", "podA", "after a Redis loss");
        kafka.send(INBOUND, conv, Json.write(m));
        ChatMessage out = Json.read(kafka.read(SEQUENCED, r -> conv.equals(r.key()), 1, WAIT).get(0).value(), ChatMessage.class);
        assertEquals(42, out.seq());
        assertEquals("42", redis.value(String.class).get(keys.conversationSeq(conv)));
    }

    @Test
    void fansOutOneEventPerPodWithItsUsersOnly() {
        String conv = "fan-" + UUID.randomUUID();
        String tag = conv.substring(4, 12);
        String u1 = "u1-" + tag, u2 = "u2-" + tag, u3 = "u3-" + tag, u4 = "u4-" + tag;
        redis.set(String.class).sadd(keys.conversationMembers(conv), u1, u2, u3, u4);
        redis.hash(String.class).hset(keys.presence(u1), Map.of("d1", "podA"));
        redis.hash(String.class).hset(keys.presence(u2), Map.of("d1", "podA", "d2", "podB"));
        redis.hash(String.class).hset(keys.presence(u3), Map.of("d1", "podB"));
        // u4 is offline: no presence.
        Map<String, ConcurrentLinkedQueue<PodEvent>> pods = subscribe("podA", "podB", "podC");

        ChatMessage fromU1 = message(conv, u1, "podA", "to everyone");
        ChatMessage fromU4 = message(conv, u4, "podC", "from a pod with no other recipient");
        kafka.send(INBOUND, List.of(Map.entry(conv, Json.write(fromU1)), Map.entry(conv, Json.write(fromU4))));

        // podC is reached only by the second message (its sender's echo). Pub/sub keeps the publish
        // order, and the two messages are processed in order, so once podC holds the second event
        // every earlier event for podC would already be there.
        Eventually.assertWithin(WAIT, () -> assertEquals(1, pods.get("podC").size()));
        Eventually.assertWithin(WAIT, () -> assertEquals(2, pods.get("podA").size()));
        Eventually.assertWithin(WAIT, () -> assertEquals(2, pods.get("podB").size()));

        PodEvent echoC = pods.get("podC").peek();
        assertEquals(PodEvent.MESSAGE, echoC.type());
        assertEquals(fromU4.id(), echoC.message().id());
        assertEquals(List.of(u4), echoC.userIds(), "sender's pod gets the echo for the sender");

        List<PodEvent> a = List.copyOf(pods.get("podA"));
        List<PodEvent> b = List.copyOf(pods.get("podB"));
        assertEquals(List.of(fromU1.id(), fromU4.id()), a.stream().map(e -> e.message().id()).toList());
        assertEquals(List.of(fromU1.id(), fromU4.id()), b.stream().map(e -> e.message().id()).toList());
        for (PodEvent e : a) {
            assertEquals(Set.of(u1, u2), Set.copyOf(e.userIds()));
        }
        for (PodEvent e : b) {
            assertEquals(Set.of(u2, u3), Set.copyOf(e.userIds()));
        }
        assertEquals(1, a.get(0).message().seq());
        assertEquals(2, a.get(1).message().seq());
        assertEquals(a.get(0).seq(), a.get(0).message().seq());
    }

    @Test
    void readsMembersFromPostgresOnACacheMissAndCachesThem() {
        String conv = "fanpg-" + UUID.randomUUID();
        String tag = conv.substring(6, 14);
        String u5 = "u5-" + tag, u6 = "u6-" + tag;
        pool.preparedQuery("INSERT INTO conversations (id, kind, created_by) VALUES ($1, 'direct', $2)")
                .execute(Tuple.of(conv, u5)).await().atMost(Duration.ofSeconds(10));
        for (String u : List.of(u5, u6)) {
            pool.preparedQuery("INSERT INTO conversation_members (conversation_id, user_id) VALUES ($1, $2)")
                    .execute(Tuple.of(conv, u)).await().atMost(Duration.ofSeconds(10));
        }
        redis.hash(String.class).hset(keys.presence(u6), Map.of("phone", "podB"));
        Map<String, ConcurrentLinkedQueue<PodEvent>> pods = subscribe("podA", "podB", "podC");

        ChatMessage fromU5 = message(conv, u5, "podC", "hello from a pod u5 has no presence on");
        ChatMessage marker = message(conv, u6, "podA", "marker");
        kafka.send(INBOUND, List.of(Map.entry(conv, Json.write(fromU5)), Map.entry(conv, Json.write(marker))));

        Eventually.assertWithin(WAIT, () -> assertEquals(1, pods.get("podA").size()));
        Eventually.assertWithin(WAIT, () -> assertEquals(2, pods.get("podB").size()));
        assertEquals(List.of(marker.id()), pods.get("podA").stream().map(e -> e.message().id()).toList(),
                "podA has no recipient of the first message");
        assertEquals(List.of(u6), pods.get("podA").peek().userIds());
        List<PodEvent> c = List.copyOf(pods.get("podC"));
        assertEquals(1, c.size());
        assertEquals(List.of(u5), c.get(0).userIds());
        assertEquals(fromU5.id(), c.get(0).message().id());
        for (PodEvent e : pods.get("podB")) {
            assertEquals(List.of(u6), e.userIds());
        }

        assertEquals(Set.of(u5, u6), redis.set(String.class).smembers(keys.conversationMembers(conv)));
        long ttl = redis.key().pttl(keys.conversationMembers(conv));
        assertTrue(ttl > 0 && ttl <= Duration.ofDays(1).toMillis(), "members cache expires: " + ttl);
    }

    @Test
    void aPollsEventsForOnePodShareOnePublishInSeqOrder() {
        String conv = "batch-" + UUID.randomUUID();
        String tag = conv.substring(6, 14);
        String sender = "bs-" + tag, reader = "br-" + tag;
        redis.set(String.class).sadd(keys.conversationMembers(conv), sender, reader);
        redis.hash(String.class).hset(keys.presence(reader), Map.of("d1", "podR"));
        Map<String, ConcurrentLinkedQueue<PodEvent>> pods = subscribe("podS", "podR");

        List<ChatMessage> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(message(conv, sender, "podS", "burst " + i));
        }
        // one produce request: the records reach the consumer in one or very few polls
        kafka.send(INBOUND, sent.stream().map(m -> Map.entry(conv, Json.write(m))).toList());

        Eventually.assertWithin(WAIT, () -> assertEquals(10, pods.get("podR").size()));
        Eventually.assertWithin(WAIT, () -> assertEquals(10, pods.get("podS").size()));
        List<String> ids = sent.stream().map(ChatMessage::id).toList();
        assertEquals(ids, pods.get("podR").stream().map(e -> e.message().id()).toList());
        assertEquals(ids, pods.get("podS").stream().map(e -> e.message().id()).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L),
                pods.get("podR").stream().map(e -> e.message().seq()).toList());
        assertTrue(publishes.get("podR").get() < 10, "batched: " + publishes.get("podR") + " publishes for 10 events");
        for (PodEvent e : pods.get("podR")) {
            assertEquals(List.of(reader), e.userIds());
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheNextMessageIsDelivered() {
        String conv = "poison-" + UUID.randomUUID();
        String notJson = "{not json";
        String missingBody = "{\"id\":\"" + UUID.randomUUID() + "\",\"conversationId\":\"" + conv
                + "\",\"seq\":0,\"senderId\":\"u1\",\"senderDevice\":\"d1\",\"senderPod\":\"podA\","
                + "\"clientMsgId\":\"c1\",\"sentAt\":1}";
        ChatMessage valid = message(conv, "u1", "podA", "still delivered");
        kafka.send(INBOUND, List.of(
                Map.entry(conv, notJson),
                Map.entry(conv, missingBody),
                Map.entry(conv, Json.write(valid))));

        List<ConsumerRecord<String, String>> dead = kafka.read(DLQ, r -> conv.equals(r.key()), 2, WAIT);
        assertEquals(2, dead.size());
        assertEquals(notJson, dead.get(0).value());
        assertTrue(header(dead.get(0), DeadLetterHeaders.REASON).startsWith("undecodable: "), header(dead.get(0), DeadLetterHeaders.REASON));
        assertEquals(missingBody, dead.get(1).value());
        assertEquals("invalid: body is missing", header(dead.get(1), DeadLetterHeaders.REASON));
        assertEquals(kafka.topic(INBOUND), header(dead.get(1), DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals(ConsumerGroups.DELIVERY, header(dead.get(1), DeadLetterHeaders.CONSUMER_GROUP));

        List<ConsumerRecord<String, String>> out = kafka.read(SEQUENCED, r -> conv.equals(r.key()), 1, WAIT);
        assertEquals(List.of(valid.withSeq(1)), out.stream().map(r -> Json.read(r.value(), ChatMessage.class)).toList());
    }

    @Test
    void exportsDeliveryMetricsAndConsumerLag() {
        String conv = "metrics-" + UUID.randomUUID();
        kafka.send(INBOUND, conv, Json.write(message(conv, "u1", "podA", "measured")));
        kafka.read(SEQUENCED, r -> conv.equals(r.key()), 1, WAIT);

        Eventually.assertWithin(WAIT, () -> {
            String metrics = given().accept("text/plain").get("/q/metrics").then().statusCode(200).extract().asString();
            for (String expected : List.of(
                    "parley_delivery_messages_received_total",
                    "parley_delivery_messages_sequenced_total{outcome=\"new\"",
                    "parley_delivery_pod_events_total",
                    "parley_delivery_pod_publishes_total",
                    "parley_delivery_dead_letters_total",
                    "parley_delivery_latency_seconds_bucket{",
                    "parley_delivery_sequencing_duration_seconds_bucket{",
                    "le=\"0.3\"",
                    "kafka_consumer_fetch_manager_records_lag")) {
                assertTrue(metrics.contains(expected), "missing " + expected);
            }
        });
    }

    @Test
    void aScriptRedisDoesNotKnowFallsBackFromEvalshaToEval() {
        // A script no one has loaded (unique text): EVALSHA answers NOSCRIPT, EVAL runs and caches it.
        RedisScript script = new RedisScript(reactiveRedis, "-- " + UUID.randomUUID() + "\nreturn tonumber(ARGV[1]) + 1");
        assertEquals("0", redis.execute("SCRIPT", "EXISTS", script.sha1()).get(0).toString());
        assertEquals(42, script.run(List.of(), List.of("41")).await().atMost(Duration.ofSeconds(10)).toInteger());
        assertEquals("1", redis.execute("SCRIPT", "EXISTS", script.sha1()).get(0).toString());
        assertEquals(8, script.run(List.of(), List.of("7")).await().atMost(Duration.ofSeconds(10)).toInteger());
    }

    @Test
    void theSequenceScriptTrimsTheHotWindowAndForgetsTrimmedIds() {
        String conv = "trim-" + UUID.randomUUID();
        RedisScript script = RedisScript.fromClasspath(reactiveRedis, "lua/sequence.lua");
        List<String> scriptKeys = List.of(keys.conversationSeq(conv), keys.conversationMessageSeq(conv), keys.conversationHot(conv));
        List<ChatMessage> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ChatMessage m = message(conv, "u1", "podA", "m" + i);
            sent.add(m);
            // counter missing on the first call: seeded with floor 0
            var r = script.run(scriptKeys, List.of("3", "60000", "0", "", m.id(), Json.write(m.withSeq(-1))))
                    .await().atMost(Duration.ofSeconds(10));
            assertEquals(i + 1, r.get(0).toLong());
            assertEquals(1, r.get(1).toInteger());
        }
        List<ScoredValue<String>> hot = redis.sortedSet(String.class).zrangeWithScores(keys.conversationHot(conv), 0, -1);
        assertEquals(List.of(3.0, 4.0, 5.0), hot.stream().map(ScoredValue::score).toList(), "only the newest 3 kept");
        assertEquals(Set.of(sent.get(2).id(), sent.get(3).id(), sent.get(4).id()),
                redis.hash(String.class).hgetall(keys.conversationMessageSeq(conv)).keySet(), "ids of trimmed messages forgotten");
        long ttl = redis.key().pttl(keys.conversationHot(conv));
        assertTrue(ttl > 0 && ttl <= 60000, "window from ARGV: " + ttl);
    }

    @Test
    void theSequenceScriptRefusesAMissingCounterAndNeverSeedsBelowTheHotWindow() {
        String conv = "evicted-" + UUID.randomUUID();
        RedisScript script = RedisScript.fromClasspath(reactiveRedis, "lua/sequence.lua");
        List<String> scriptKeys = List.of(keys.conversationSeq(conv), keys.conversationMessageSeq(conv), keys.conversationHot(conv));
        // The counter alone was lost (e.g. evicted) while the hot window still holds seq 9.
        redis.sortedSet(String.class).zadd(keys.conversationHot(conv), 9, "{\"seq\":9}");
        ChatMessage m = message(conv, "u1", "podA", "next");
        String json = Json.write(m.withSeq(-1));

        var refused = script.run(scriptKeys, List.of("100", "60000", "", "", m.id(), json)).await().atMost(Duration.ofSeconds(10));
        assertEquals(-1, refused.get(0).toLong());
        assertEquals(0, redis.key().exists(keys.conversationSeq(conv)) ? 1 : 0, "a refusal writes nothing");

        var seeded = script.run(scriptKeys, List.of("100", "60000", "4", "", m.id(), json)).await().atMost(Duration.ofSeconds(10));
        assertEquals(10, seeded.get(0).toLong(), "max(floor 4, hot 9) + 1");
    }

    /** PUBLISHes seen per pod channel by {@link #subscribe}: a batch counts once. */
    private final Map<String, AtomicInteger> publishes = new ConcurrentHashMap<>();

    /** Each pod's events in arrival order, batches unpacked. */
    private Map<String, ConcurrentLinkedQueue<PodEvent>> subscribe(String... podIds) {
        Map<String, ConcurrentLinkedQueue<PodEvent>> received = new ConcurrentHashMap<>();
        Map<String, ConcurrentLinkedQueue<String>> probes = new ConcurrentHashMap<>();
        for (String pod : podIds) {
            ConcurrentLinkedQueue<PodEvent> events = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> probe = new ConcurrentLinkedQueue<>();
            received.put(pod, events);
            probes.put(pod, probe);
            subscribers.add(reactiveRedis.pubsub(String.class).subscribe(keys.podChannel(pod), payload -> {
                if (payload.startsWith("probe")) {
                    probe.add(payload);
                    return;
                }
                publishes.computeIfAbsent(pod, p -> new AtomicInteger()).incrementAndGet();
                PodEvent event = Json.read(payload, PodEvent.class);
                if (PodEvent.BATCH.equals(event.type())) {
                    assertTrue(event.events().size() > 1, "a single event is sent as itself");
                    events.addAll(event.events());
                } else {
                    events.add(event);
                }
            }).await().atMost(Duration.ofSeconds(10)));
        }
        // Subscriptions are live once a probe published on each channel comes back.
        for (String pod : podIds) {
            redis.pubsub(String.class).publish(keys.podChannel(pod), "probe");
            Eventually.assertWithin(Duration.ofSeconds(10), () -> assertEquals(1, probes.get(pod).size()));
        }
        return received;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ChatMessage message(String conv, String sender, String pod, String body) {
        return new ChatMessage(UUID.randomUUID().toString(), conv, 0, sender, "dev-" + sender, pod,
                "cm-" + UUID.randomUUID(), body, System.currentTimeMillis());
    }
}
