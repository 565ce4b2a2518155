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
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code parley.messages.inbound} (group {@code delivery}) a poll at a time. Each consumer of
 * the channel hands over its next batch only after the returned Uni completed, so a partition is
 * still processed in order; inside the batch, {@link DeliveryService#deliverAll} keeps the order
 * per conversation. The returned Uni completes when the poll's pod events are published; the
 * batch is acked (its offsets become committable) only when, in addition, the broker acknowledged
 * its sequenced records and every poison record reached the dead-letter topic. The throttled
 * commit strategy commits an offset only once every earlier one in its partition is acked.
 */
@ApplicationScoped
public class InboundConsumer {

    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);

    private final DeliveryService delivery;
    private final DeadLetterPublisher deadLetters;
    private final DeliveryMetrics metrics;
    private final int unconfirmedMax;
    /** Sequenced records produced by every copy of the channel and not yet acknowledged by the broker. */
    private final AtomicInteger unconfirmed = new AtomicInteger();

    public InboundConsumer(DeliveryService delivery, DeadLetterPublisher deadLetters, DeliveryMetrics metrics,
                           DeliveryConfig config) {
        this.delivery = delivery;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.unconfirmedMax = config.unconfirmedMax();
    }

    @Incoming("inbound")
    public Uni<Void> consume(KafkaRecordBatch<String, String> batch) {
        List<ChatMessage> valid = new ArrayList<>(batch.getRecords().size());
        List<Uni<Void>> poison = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (KafkaRecord<String, String> record : batch) {
            metrics.received();
            metrics.handedOver(now - record.getTimestamp().toEpochMilli());
            String reason = decode(record.getPayload(), valid);
            if (reason != null) {
                poison.add(deadLetter(record, reason));
            }
        }
        metrics.batch(batch.getRecords().size());
        Uni<CompletionStage<Void>> work = poison.isEmpty()
                ? delivery.deliverAll(valid)
                : Uni.join().all(poison).andCollectFailures().chain(() -> delivery.deliverAll(valid));
        return work.onItemOrFailure().transformToUni((produced, failure) -> {
            if (failure != null) {
                return Uni.createFrom().completionStage(batch.nack(failure));
            }
            int size = valid.size();
            unconfirmed.addAndGet(size);
            CompletionStage<Void> settled = produced
                    .handle((ok, produceFailure) -> {
                        unconfirmed.addAndGet(-size);
                        return produceFailure == null ? batch.ack() : batch.nack(produceFailure);
                    })
                    .thenCompose(ack -> ack);
            return unconfirmed.get() > unconfirmedMax
                    ? Uni.createFrom().completionStage(settled)
                    : Uni.createFrom().voidItem();
        });
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
