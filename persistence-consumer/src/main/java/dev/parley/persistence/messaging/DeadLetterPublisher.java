package dev.parley.persistence.messaging;

import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.DeadLetterHeaders;
import dev.parley.persistence.service.IncomingRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Sends poison records to {@code parley.messages.dlq} with the original key and value and the
 * fleet's one set of dead-letter headers ({@link DeadLetterHeaders}), so the same tool re-drives
 * them as delivery-consumer's. The returned Uni completes when Kafka acknowledged the
 * write, so the source offset is committed only once the record is safe in the DLQ.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);

    private final MutinyEmitter<byte[]> emitter;
    private final MeterRegistry registry;

    public DeadLetterPublisher(@Channel("dead-letters") MutinyEmitter<byte[]> emitter, MeterRegistry registry) {
        this.emitter = emitter;
        this.registry = registry;
    }

    public Uni<Void> publish(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = letters.stream().map(this::publish).toList();
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    private Uni<Void> publish(DeadLetter letter) {
        IncomingRecord r = letter.record();
        RecordHeaders headers = new RecordHeaders();
        Map<String, String> values = DeadLetterHeaders.of(letter.reason(), ConsumerGroups.PERSISTENCE, r.topic(), r.partition(), r.offset());
        values.forEach((name, v) -> headers.add(name, v.getBytes(StandardCharsets.UTF_8)));
        String reason = values.get(DeadLetterHeaders.REASON);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(r.key())
                .withHeaders(headers)
                .build();
        byte[] value = r.value() == null ? new byte[0] : r.value();
        return emitter.sendMessage(Message.of(value).addMetadata(metadata))
                .invoke(() -> {
                    registry.counter("parley.persistence.dlq.records", "kind", letter.kind()).increment();
                    LOG.warnf("record %s/%d@%d sent to the dead-letter topic: %s", r.topic(), r.partition(), r.offset(), reason);
                });
    }

    /** A record for the DLQ; {@code kind} is a short, bounded tag for the metric (poison, conflict, rejected). */
    public record DeadLetter(IncomingRecord record, String reason, String kind) {
    }
}
