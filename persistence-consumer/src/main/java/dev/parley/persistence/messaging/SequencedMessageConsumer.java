package dev.parley.persistence.messaging;

import dev.parley.persistence.service.BatchPersister;
import dev.parley.persistence.service.IncomingRecord;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumer group {@code persistence} on {@code parley.messages.sequenced}, in batches bounded by
 * size ({@code max.poll.records}) and time ({@code fetch.max.wait.ms}). A batch is acknowledged —
 * and its offsets become committable under the throttled strategy — only after it is durable.
 * If it cannot be made durable within the retry budget it is nacked: the channel fails (health
 * goes DOWN, the pod is restarted) and the uncommitted records are read again; nothing is skipped.
 */
@ApplicationScoped
public class SequencedMessageConsumer {

    private static final Logger LOG = Logger.getLogger(SequencedMessageConsumer.class);

    private final BatchPersister persister;

    public SequencedMessageConsumer(BatchPersister persister) {
        this.persister = persister;
    }

    @Incoming("sequenced")
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<IncomingRecord> records = new ArrayList<>(batch.getRecords().size());
        for (KafkaRecord<String, byte[]> r : batch) {
            records.add(new IncomingRecord(r.getTopic(), r.getPartition(), offset(r), r.getKey(), r.getPayload()));
        }
        return persister.persist(records)
                .onItem().transformToUni(done -> Uni.createFrom().<Void>completionStage(batch.ack()))
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "batch of %d records could not be made durable; not committing it", records.size());
                    return Uni.createFrom().<Void>completionStage(batch.nack(failure));
                });
    }

    private static long offset(KafkaRecord<String, byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset).orElse(-1L);
    }
}
