package dev.parley.persistence.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.persistence.config.PersistenceConfig;
import dev.parley.persistence.messaging.DeadLetterPublisher;
import dev.parley.persistence.messaging.DeadLetterPublisher.DeadLetter;
import dev.parley.persistence.repository.MessageRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Makes one batch of sequenced records durable: valid messages go to PostgreSQL in one statement,
 * poison records to the dead-letter topic. The returned Uni completes only when every record of
 * the batch is either stored (or was already stored) or acknowledged by the DLQ — only then may
 * the caller commit the batch's offsets. It fails when that cannot be achieved within the retry
 * budget; the caller must then NOT commit.
 */
@ApplicationScoped
public class BatchPersister {

    private static final Logger LOG = Logger.getLogger(BatchPersister.class);

    private final RecordClassifier classifier;
    private final MessageRepository repository;
    private final DeadLetterPublisher deadLetters;
    private final PersistenceConfig.Retry retry;
    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter rowsInserted;
    private final Counter rowsDuplicate;
    private final Counter retries;
    private final DistributionSummary batchSize;

    public BatchPersister(RecordClassifier classifier, MessageRepository repository, DeadLetterPublisher deadLetters,
                          PersistenceConfig config, MeterRegistry registry) {
        this.classifier = classifier;
        this.repository = repository;
        this.deadLetters = deadLetters;
        this.retry = config.retry();
        this.registry = registry;
        this.recordsIn = Counter.builder("parley.persistence.records.in")
                .description("records read from the sequenced topic").register(registry);
        this.rowsInserted = Counter.builder("parley.persistence.rows.inserted")
                .description("messages newly written to PostgreSQL").register(registry);
        this.rowsDuplicate = Counter.builder("parley.persistence.rows.duplicate")
                .description("messages skipped because PostgreSQL already held them (redelivery)").register(registry);
        this.retries = Counter.builder("parley.persistence.retries")
                .description("failed database attempts that were retried with backoff").register(registry);
        this.batchSize = DistributionSummary.builder("parley.persistence.batch.size")
                .description("records per consumed batch").baseUnit("records")
                .serviceLevelObjectives(1, 10, 50, 100, 250, 500, 1000)
                .register(registry);
    }

    public Uni<Void> persist(List<IncomingRecord> records) {
        recordsIn.increment(records.size());
        batchSize.record(records.size());

        List<DeadLetter> poison = new ArrayList<>();
        // Distinct ids: a message redelivered inside one batch is written once.
        Map<String, RecordClassifier.Verdict> valid = new LinkedHashMap<>();
        for (IncomingRecord record : records) {
            RecordClassifier.Verdict verdict = classifier.classify(record);
            if (verdict.poison()) {
                poison.add(new DeadLetter(record, verdict.poisonReason(), "poison"));
            } else if (valid.putIfAbsent(verdict.message().id(), verdict) != null) {
                rowsDuplicate.increment();
            }
        }
        List<RecordClassifier.Verdict> toStore = List.copyOf(valid.values());
        return store(toStore)
                .chain(rejected -> {
                    List<DeadLetter> all = new ArrayList<>(poison);
                    all.addAll(rejected);
                    return deadLetters.publish(all);
                });
    }

    /** Stores the valid messages; returns the ones that must go to the DLQ instead (conflicts, rejects). */
    private Uni<List<DeadLetter>> store(List<RecordClassifier.Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<ChatMessage> messages = verdicts.stream().map(RecordClassifier.Verdict::message).toList();
        return withRetry(() -> timedInsert(messages))
                .map(inserted -> new Outcome(inserted, List.of(), Set.of()))
                // A record PostgreSQL refuses for its content: find it row by row, keep the others.
                .onFailure(BatchPersister::isDataError).recoverWithUni(failure -> {
                    LOG.warnf("batch of %d refused by PostgreSQL (%s); storing row by row", messages.size(), failure.getMessage());
                    return rowByRow(verdicts);
                })
                .chain(outcome -> classifyNotInserted(verdicts, outcome));
    }

    private Uni<Outcome> rowByRow(List<RecordClassifier.Verdict> verdicts) {
        return Multi.createFrom().iterable(verdicts)
                .onItem().transformToUniAndConcatenate(v -> withRetry(() -> timedInsert(List.of(v.message())))
                        .map(ids -> new Outcome(ids, List.of(), Set.of()))
                        .onFailure(BatchPersister::isDataError).recoverWithItem(failure -> new Outcome(Set.of(),
                                List.of(new DeadLetter(v.record(), "rejected by PostgreSQL: " + failure.getMessage(), "rejected")),
                                Set.of(UUID.fromString(v.message().id())))))
                .collect().in(() -> new Outcome(new HashSet<>(), new ArrayList<>(), new HashSet<>()), (acc, one) -> {
                    acc.inserted().addAll(one.inserted());
                    acc.rejected().addAll(one.rejected());
                    acc.rejectedIds().addAll(one.rejectedIds());
                });
    }

    /**
     * A row not inserted is either already stored (same id: a redelivery, skipped) or collides on
     * (conversation, seq) with a different message — a sequencing fault that must not vanish
     * silently, so that record goes to the DLQ.
     */
    private Uni<List<DeadLetter>> classifyNotInserted(List<RecordClassifier.Verdict> verdicts, Outcome outcome) {
        rowsInserted.increment(outcome.inserted().size());
        Set<UUID> rejectedIds = outcome.rejectedIds();
        List<RecordClassifier.Verdict> notInserted = verdicts.stream()
                .filter(v -> {
                    UUID id = UUID.fromString(v.message().id());
                    return !outcome.inserted().contains(id) && !rejectedIds.contains(id);
                })
                .toList();
        if (notInserted.isEmpty()) {
            return Uni.createFrom().item(outcome.rejected());
        }
        List<UUID> ids = notInserted.stream().map(v -> UUID.fromString(v.message().id())).toList();
        return withRetry(() -> repository.existingIds(ids)).map(existing -> {
            List<DeadLetter> out = new ArrayList<>(outcome.rejected());
            for (RecordClassifier.Verdict v : notInserted) {
                if (existing.contains(UUID.fromString(v.message().id()))) {
                    rowsDuplicate.increment();
                } else {
                    ChatMessage m = v.message();
                    out.add(new DeadLetter(v.record(), "seq conflict: seq " + m.seq() + " of conversation "
                            + m.conversationId() + " is already held by another message", "conflict"));
                }
            }
            return out;
        });
    }

    private Uni<Set<UUID>> timedInsert(List<ChatMessage> messages) {
        long start = System.nanoTime();
        return repository.insertAll(messages).onTermination().invoke((ids, failure, cancelled) ->
                Timer.builder("parley.persistence.batch.insert")
                        .description("duration of one batch INSERT statement")
                        .tag("outcome", failure == null && !cancelled ? "success" : "failure")
                        .register(registry)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    /**
     * Exponential backoff with jitter (Mutiny's retry), bounded by {@code parley.persistence.retry.*}.
     * Errors caused by the data itself are not retried: they would fail the same way again.
     */
    private <T> Uni<T> withRetry(Supplier<Uni<T>> attempt) {
        return Uni.createFrom().<T>deferred(attempt::get)
                .onFailure(failure -> !isDataError(failure)).invoke(failure -> {
                    retries.increment();
                    LOG.warnf("database attempt failed, retrying with backoff: %s", failure.getMessage());
                })
                .onFailure(failure -> !isDataError(failure)).retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff())
                .withJitter(retry.jitter())
                .atMost(retry.maxRetries());
    }

    /** SQLSTATE class 22 (data exception) or 23 (integrity constraint): the row, not the database, is at fault. */
    static boolean isDataError(Throwable failure) {
        if (failure instanceof PgException pg && pg.getSqlState() != null) {
            String state = pg.getSqlState();
            return state.startsWith("22") || state.startsWith("23");
        }
        return false;
    }

    private record Outcome(Set<UUID> inserted, List<DeadLetter> rejected, Set<UUID> rejectedIds) {
    }
}
