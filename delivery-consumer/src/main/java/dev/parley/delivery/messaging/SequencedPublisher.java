package dev.parley.delivery.messaging;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/** Produces sequenced messages to {@code parley.messages.sequenced}, key = conversation id. */
@ApplicationScoped
public class SequencedPublisher {

    private final MutinyEmitter<String> emitter;

    /**
     * The buffer holds what the sink has not taken yet (it keeps at most 1024 sends in flight): up
     * to {@code parley.delivery.unconfirmed-max} records of earlier polls plus a full poll from each
     * consumer. Bounded, and large enough that a burst never fails with "buffer full".
     */
    public SequencedPublisher(@Channel("sequenced") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
            MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker acknowledged the record (acks=all, idempotent producer). */
    public Uni<Void> publish(ChatMessage sequenced) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(sequenced.conversationId())
                .build();
        return emitter.sendMessage(Message.of(Json.write(sequenced)).addMetadata(metadata));
    }

    /**
     * Produces the messages in list order, all in flight at once; completes when the broker
     * acknowledged every one. The idempotent producer keeps their order within the partition.
     */
    public Uni<Void> publishAll(List<ChatMessage> sequenced) {
        if (sequenced.size() == 1) {
            return publish(sequenced.get(0));
        }
        List<Uni<Void>> sends = new ArrayList<>(sequenced.size());
        for (ChatMessage message : sequenced) {
            sends.add(publish(message));
        }
        // join subscribes in list order, which is the order the records reach the producer
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }
}
