package dev.parley.delivery.messaging;

import dev.parley.contracts.DeadLetterHeaders;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends a poison inbound record to {@code parley.messages.dlq}: the original key and value, and
 * the fleet's one set of dead-letter headers ({@link DeadLetterHeaders}: reason, group, source
 * topic/partition/offset), so any dead letter can be re-driven by the same tool.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private final MutinyEmitter<String> emitter;

    public DeadLetterPublisher(@Channel("dead-letter") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(String value, IncomingKafkaRecordMetadata<?, ?> source, String group, String reason) {
        RecordHeaders headers = new RecordHeaders();
        Object key = null;
        if (source != null) {
            key = source.getKey();
            DeadLetterHeaders.of(reason, group, source.getTopic(), source.getPartition(), source.getOffset())
                    .forEach((name, v) -> headers.add(name, bytes(v)));
        } else {
            headers.add(DeadLetterHeaders.REASON, bytes(reason));
            headers.add(DeadLetterHeaders.CONSUMER_GROUP, bytes(group));
        }
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key == null ? null : key.toString())
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(value == null ? "" : value).addMetadata(metadata));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
