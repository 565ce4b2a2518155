package dev.parley.ws.messaging;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes accepted messages to {@code parley.messages.inbound}, keyed by conversation so one
 * conversation stays in one partition, in order. The returned Uni completes when the broker
 * acknowledged the write (acks=all, idempotent producer); only then is the sender acknowledged.
 */
@Singleton
public class InboundProducer {

    private final MutinyEmitter<String> emitter;

    public InboundProducer(@Channel("messages-out") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
            MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> send(ChatMessage message) {
        return emitter.sendMessage(Message.of(Json.write(message))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(message.conversationId()).build()));
    }
}
