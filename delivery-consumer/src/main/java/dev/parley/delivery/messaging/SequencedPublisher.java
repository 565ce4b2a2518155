package dev.parley.delivery.messaging;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Produces sequenced messages to {@code parley.messages.sequenced}, key = conversation id. */
@ApplicationScoped
public class SequencedPublisher {

    private final MutinyEmitter<String> emitter;

    public SequencedPublisher(@Channel("sequenced") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker acknowledged the record (acks=all, idempotent producer). */
    public Uni<Void> publish(ChatMessage sequenced) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(sequenced.conversationId())
                .build();
        return emitter.sendMessage(Message.of(Json.write(sequenced)).addMetadata(metadata));
    }
}
