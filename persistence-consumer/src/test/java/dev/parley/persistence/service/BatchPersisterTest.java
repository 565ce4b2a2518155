package dev.parley.persistence.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.persistence.TestSupport;
import dev.parley.persistence.config.PersistenceConfig;
import dev.parley.persistence.messaging.DeadLetterPublisher;
import dev.parley.persistence.repository.MessageRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The retry and fallback rules of the batch writer, with the database replaced by a scripted
 * fake (the integration tests cover the real database and broker).
 */
class BatchPersisterTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final List<DeadLetterPublisher.DeadLetter> deadLetters = new ArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();

    @Test
    void transientFailuresAreRetriedWithBackoffThenTheBatchIsStored() {
        BatchPersister persister = persister(batch -> attempts.incrementAndGet() <= 2
                ? Uni.createFrom().failure(new PgException("connection lost", "FATAL", "08006", null))
                : Uni.createFrom().item(ids(batch)));

        persister.persist(records(message("c", 1), message("c", 2))).await().atMost(Duration.ofSeconds(10));

        assertEquals(3, attempts.get());
        assertEquals(2.0, registry.counter("parley.persistence.retries").count());
        assertEquals(2.0, registry.counter("parley.persistence.rows.inserted").count());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void exhaustedRetriesFailTheBatchSoItIsNeverAcknowledged() {
        BatchPersister persister = persister(batch -> {
            attempts.incrementAndGet();
            return Uni.createFrom().failure(new PgException("relation \"messages\" does not exist", "ERROR", "42P01", null));
        });

        assertThrows(PgException.class, () -> persister.persist(records(message("c", 1))).await().atMost(Duration.ofSeconds(10)));
        assertEquals(1 + 3, attempts.get(), "the first attempt and max-retries more, then the failure surfaces");
        assertEquals(0.0, registry.counter("parley.persistence.rows.inserted").count());
        assertTrue(deadLetters.isEmpty(), "a database outage never moves healthy messages to the DLQ");
    }

    @Test
    void aRowPostgresRefusesGoesToTheDeadLetterTopicAndTheOthersAreStored() {
        ChatMessage bad = message("c", 2);
        BatchPersister persister = persister(batch -> {
            attempts.incrementAndGet();
            return batch.stream().anyMatch(m -> m.id().equals(bad.id()))
                    ? Uni.createFrom().failure(new PgException("value out of range", "ERROR", "22003", null))
                    : Uni.createFrom().item(ids(batch));
        });

        persister.persist(records(message("c", 1), bad, message("c", 3))).await().atMost(Duration.ofSeconds(10));

        assertEquals(1, deadLetters.size());
        assertEquals("rejected", deadLetters.get(0).kind());
        assertTrue(deadLetters.get(0).reason().startsWith("rejected by PostgreSQL"));
        assertEquals(2.0, registry.counter("parley.persistence.rows.inserted").count());
        assertEquals(0.0, registry.counter("parley.persistence.retries").count(), "data errors are not retried");
    }

    @Test
    void poisonRecordsAreClassifiedWithAReason() {
        RecordClassifier classifier = new RecordClassifier();
        assertPoison(classifier, new byte[0], "empty value");
        assertPoison(classifier, "[1,2".getBytes(StandardCharsets.UTF_8), "undecodable JSON");
        assertPoison(classifier, "{\"id\":\"x\",\"extra\":1}".getBytes(StandardCharsets.UTF_8), "undecodable JSON");
        ChatMessage ok = message("c", 1);
        assertPoison(classifier, json(ok.withSeq(0)), "seq must be > 0");
        assertPoison(classifier, json(new ChatMessage("not-a-uuid", "c", 1, "a", null, null, "m", "b", 1)), "id is not a UUID");
        assertPoison(classifier, json(new ChatMessage(ok.id(), "c", 1, "a", null, null, "m", "nul\u0000", 1)), "NUL");
        assertPoison(classifier, json(new ChatMessage(ok.id(), "c", 1, "a", null, null, "m", "", 1)), "body is missing");
        assertTrue(!classifier.classify(record(json(ok))).poison());
    }

    private static void assertPoison(RecordClassifier classifier, byte[] value, String reason) {
        RecordClassifier.Verdict verdict = classifier.classify(record(value));
        assertTrue(verdict.poison() && verdict.poisonReason().contains(reason), "expected '" + reason + "', got " + verdict.poisonReason());
    }

    private BatchPersister persister(Function<List<ChatMessage>, Uni<Set<UUID>>> insert) {
        MessageRepository repository = new MessageRepository(null) {
            @Override
            public Uni<Set<UUID>> insertAll(List<ChatMessage> messages) {
                return Uni.createFrom().deferred(() -> insert.apply(messages));
            }

            @Override
            public Uni<Set<UUID>> existingIds(List<UUID> ids) {
                return Uni.createFrom().item(Set.of());
            }
        };
        DeadLetterPublisher publisher = new DeadLetterPublisher(null, registry) {
            @Override
            public Uni<Void> publish(List<DeadLetter> letters) {
                deadLetters.addAll(letters);
                return Uni.createFrom().voidItem();
            }
        };
        return new BatchPersister(new RecordClassifier(), repository, publisher, config(), registry);
    }

    private static PersistenceConfig config() {
        PersistenceConfig.Retry retry = new PersistenceConfig.Retry() {
            public int maxRetries() { return 3; }
            public Duration initialBackoff() { return Duration.ofMillis(1); }
            public Duration maxBackoff() { return Duration.ofMillis(5); }
            public double jitter() { return 0.5; }
        };
        return new PersistenceConfig() {
            public Batch batch() { return null; }
            public Retry retry() { return retry; }
            public History history() { return null; }
        };
    }

    private static Set<UUID> ids(List<ChatMessage> batch) {
        return batch.stream().map(m -> UUID.fromString(m.id())).collect(Collectors.toSet());
    }

    private static ChatMessage message(String conversation, long seq) {
        return TestSupport.message(conversation, seq);
    }

    private static List<IncomingRecord> records(ChatMessage... messages) {
        List<IncomingRecord> out = new ArrayList<>();
        for (int i = 0; i < messages.length; i++) {
            out.add(new IncomingRecord("t", 0, i, messages[i].conversationId(), json(messages[i])));
        }
        return out;
    }

    private static IncomingRecord record(byte[] value) {
        return new IncomingRecord("t", 0, 0, "k", value);
    }

    private static byte[] json(ChatMessage m) {
        return Json.write(m).getBytes(StandardCharsets.UTF_8);
    }
}
