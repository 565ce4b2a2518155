package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.delivery.config.DeliveryConfig;
import dev.parley.delivery.messaging.SequencedPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The path of one valid inbound message: sequence + hot store (Redis), produce to the sequenced
 * topic and wait for the broker, fan out to the recipients' pods. The whole path is retried on a
 * failure: every step is idempotent (the script returns the seq a message already has,
 * persistence-consumer ignores a duplicate, clients drop a message id they already hold).
 */
@ApplicationScoped
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);

    private final Sequencer sequencer;
    private final SequencedPublisher sequenced;
    private final FanOut fanOut;
    private final DeliveryMetrics metrics;
    private final DeliveryConfig.Retry retry;

    public DeliveryService(Sequencer sequencer, SequencedPublisher sequenced, FanOut fanOut,
                           DeliveryMetrics metrics, DeliveryConfig config) {
        this.sequencer = sequencer;
        this.sequenced = sequenced;
        this.fanOut = fanOut;
        this.metrics = metrics;
        this.retry = config.retry();
    }

    public Uni<ChatMessage> deliver(ChatMessage message) {
        return withRetry("deliver message " + message.id(), () -> sequencer.sequence(message)
                .call(sequenced::publish)
                .call(seq -> fanOut.deliver(seq).invoke(metrics::podEvents))
                .invoke(seq -> metrics.delivered(seq.sentAt())));
    }

    /**
     * Runs {@code attempt} again after a failure, with exponential backoff and jitter, at most
     * {@code parley.delivery.retry.max-retries} times; then the last failure is returned.
     */
    public <T> Uni<T> withRetry(String what, Supplier<Uni<T>> attempt) {
        Uni<T> once = Uni.createFrom().deferred(attempt::get)
                .onFailure().invoke(failure -> {
                    metrics.retry();
                    LOG.warnf("%s failed: %s", what, failure.toString());
                });
        if (retry.maxRetries() <= 0) {
            return once;
        }
        return once.onFailure().retry()
                .withBackOff(retry.initialBackoff(), retry.maxBackoff())
                .withJitter(retry.jitter())
                .atMost(retry.maxRetries());
    }
}
