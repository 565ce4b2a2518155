package dev.parley.delivery.messaging;

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
 * Sends a poison inbound record to {@code parley.messages.dlq}: the original key and value, the
 * reason in {@value #REASON}, and where it came from (topic, partition, offset) for a re-drive.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    public static final String REASON = "parley-dlq-reason";
    public static final String SOURCE_TOPIC = "parley-dlq-topic";
    public static final String SOURCE_PARTITION = "parley-dlq-partition";
    public static final String SOURCE_OFFSET = "parley-dlq-offset";
    public static final String CONSUMER_GROUP = "parley-dlq-group";

    private final MutinyEmitter<String> emitter;

    public DeadLetterPublisher(@Channel("dead-letter") MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(String value, IncomingKafkaRecordMetadata<?, ?> source, String group, String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, bytes(reason));
        headers.add(CONSUMER_GROUP, bytes(group));
        Object key = null;
        if (source != null) {
            key = source.getKey();
            headers.add(SOURCE_TOPIC, bytes(source.getTopic()));
            headers.add(SOURCE_PARTITION, bytes(Integer.toString(source.getPartition())));
            headers.add(SOURCE_OFFSET, bytes(Long.toString(source.getOffset())));
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
