package dev.parley.delivery.messaging;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import dev.parley.delivery.config.DeliveryConfig;
import dev.parley.delivery.service.DeliveryMetrics;
import dev.parley.delivery.service.DeliveryService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code parley.messages.inbound} (group {@code delivery}) a poll at a time and hands each
 * poll to the {@link PollLane}, which delivers the polls queued meanwhile together, in the order
 * they were read; inside a round, {@link DeliveryService#deliverAll} keeps the order per
 * conversation. A poll is acked (its offsets become committable) once its round's pod events are
 * published, the broker acknowledged its sequenced records and every poison record reached the
 * dead-letter topic. The throttled commit strategy commits an offset only once every earlier one
 * in its partition is acked.
 */
@ApplicationScoped
public class InboundConsumer {

    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);

    private final DeliveryService delivery;
    private final DeadLetterPublisher deadLetters;
    private final DeliveryMetrics metrics;
    private final PollLane<KafkaRecordBatch<String, String>> lane;

    public InboundConsumer(DeliveryService delivery, DeadLetterPublisher deadLetters, DeliveryMetrics metrics,
                           DeliveryConfig config) {
        this.delivery = delivery;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.lane = new PollLane<>(new Polls(), config.roundMax(), config.unconfirmedMax());
        metrics.unsettled(lane::unsettled);
    }

    @Incoming("inbound")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        long now = System.currentTimeMillis();
        for (KafkaRecord<String, String> record : batch) {
            metrics.handedOver(now - record.getTimestamp().toEpochMilli());
        }
        metrics.batch(batch.getRecords().size());
        return lane.submit(batch);
    }

    /** A round: poison records to the dead-letter topic, then the valid ones delivered together. */
    private Uni<CompletionStage<Void>> deliverRound(List<KafkaRecordBatch<String, String>> round) {
        List<ChatMessage> valid = new ArrayList<>();
        List<Uni<Void>> poison = new ArrayList<>();
        int records = 0;
        for (KafkaRecordBatch<String, String> batch : round) {
            for (KafkaRecord<String, String> record : batch) {
                metrics.received();
                records++;
                String reason = decode(record.getPayload(), valid);
                if (reason != null) {
                    poison.add(deadLetter(record, reason));
                }
            }
        }
        metrics.round(records);
        return poison.isEmpty()
                ? delivery.deliverAll(valid)
                : Uni.join().all(poison).andCollectFailures().chain(() -> delivery.deliverAll(valid));
    }

    private final class Polls implements PollLane.Polls<KafkaRecordBatch<String, String>> {

        @Override
        public int size(KafkaRecordBatch<String, String> poll) {
            return poll.getRecords().size();
        }

        @Override
        public Uni<CompletionStage<Void>> deliver(List<KafkaRecordBatch<String, String>> round) {
            return deliverRound(round);
        }

        @Override
        public CompletionStage<Void> ack(KafkaRecordBatch<String, String> poll) {
            return poll.ack();
        }

        @Override
        public CompletionStage<Void> nack(KafkaRecordBatch<String, String> poll, Throwable failure) {
            return poll.nack(failure);
        }
    }

    /** Adds the record's message to {@code valid}; answers why it is poison instead, or null. */
    private static String decode(String value, List<ChatMessage> valid) {
        if (value == null || value.isBlank()) {
            return "empty value";
        }
        ChatMessage message;
        try {
            message = Json.read(value, ChatMessage.class);
        } catch (JsonDecodeException e) {
            return "undecodable: " + e.getMessage();
        }
        if (message == null) {
            return "undecodable: null";
        }
        String error = message.validationError();
        if (!error.isEmpty()) {
            return "invalid: " + error;
        }
        valid.add(message);
        return null;
    }

    private Uni<Void> deadLetter(KafkaRecord<String, String> record, String reason) {
        IncomingKafkaRecordMetadata<?, ?> source = record.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        LOG.warnf("poison record %s to the dead-letter topic: %s", where(source), reason);
        return delivery.withRetry("dead-letter " + where(source),
                        () -> deadLetters.publish(record.getPayload(), source, ConsumerGroups.DELIVERY, reason))
                .invoke(metrics::deadLetter);
    }

    private static String where(IncomingKafkaRecordMetadata<?, ?> source) {
        return source == null ? "?" : source.getTopic() + "-" + source.getPartition() + "@" + source.getOffset();
    }
}
