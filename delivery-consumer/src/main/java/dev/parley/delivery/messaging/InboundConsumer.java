package dev.parley.delivery.messaging;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import dev.parley.delivery.service.DeliveryMetrics;
import dev.parley.delivery.service.DeliveryService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code parley.messages.inbound} (group {@code delivery}). Each consumer of the channel hands
 * its records over one at a time and waits for the returned Uni, so a partition is processed in
 * order. A record is acked (its offset becomes committable) only after the whole delivery path
 * succeeded, or after a poison record reached the dead-letter topic.
 */
@ApplicationScoped
public class InboundConsumer {

    private static final Logger LOG = Logger.getLogger(InboundConsumer.class);

    private final DeliveryService delivery;
    private final DeadLetterPublisher deadLetters;
    private final DeliveryMetrics metrics;

    public InboundConsumer(DeliveryService delivery, DeadLetterPublisher deadLetters, DeliveryMetrics metrics) {
        this.delivery = delivery;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    @Incoming("inbound")
    public Uni<Void> consume(Message<String> record) {
        return handle(record).onItemOrFailure().transformToUni((done, failure) -> failure == null
                ? Uni.createFrom().completionStage(record.ack())
                : Uni.createFrom().completionStage(record.nack(failure)));
    }

    private Uni<Void> handle(Message<String> record) {
        metrics.received();
        String value = record.getPayload();
        if (value == null || value.isBlank()) {
            return deadLetter(record, "empty value");
        }
        ChatMessage message;
        try {
            message = Json.read(value, ChatMessage.class);
        } catch (JsonDecodeException e) {
            return deadLetter(record, "undecodable: " + e.getMessage());
        }
        if (message == null) {
            return deadLetter(record, "undecodable: null");
        }
        String error = message.validationError();
        if (!error.isEmpty()) {
            return deadLetter(record, "invalid: " + error);
        }
        return delivery.deliver(message).replaceWithVoid();
    }

    private Uni<Void> deadLetter(Message<String> record, String reason) {
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
