package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.delivery.config.DeliveryConfig;
import dev.parley.delivery.messaging.SequencedPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The path of a poll's valid inbound messages: sequence + hot store (Redis), produce to the
 * sequenced topic and wait for the broker, fan out to the recipients' pods. The messages are
 * grouped by conversation, each group in Kafka order; every Redis step is one pipeline for the
 * whole poll, and every produce is in flight at once (the idempotent producer keeps their order).
 * The poll is retried as a whole on a failure: every step is idempotent (the script returns the
 * seq a message already has, persistence-consumer ignores a duplicate, clients drop a message id
 * they already hold).
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

    /** Delivers a poll's messages; completes when every one of them went the whole path. */
    public Uni<Void> deliverAll(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, List<ChatMessage>> byConversation = new LinkedHashMap<>();
        for (ChatMessage message : messages) {
            byConversation.computeIfAbsent(message.conversationId(), c -> new ArrayList<>()).add(message);
        }
        List<List<ChatMessage>> groups = List.copyOf(byConversation.values());
        String what = messages.size() == 1
                ? "deliver message " + messages.get(0).id()
                : "deliver " + messages.size() + " messages of " + groups.size() + " conversations";
        List<String> conversationIds = groups.stream().map(g -> g.get(0).conversationId()).toList();
        // Two independent branches each time: sequencing ∥ finding the recipients, then the
        // sequenced produce ∥ the pod events. Publishing before the broker acknowledged the
        // sequenced record loses nothing: the message is already in the hot window, and until this
        // poll is acked its inbound record is read again, keeps its seq and is produced again.
        return withRetry(what, () -> Uni.combine().all()
                .unis(sequencer.sequence(groups), fanOut.recipients(conversationIds)).asTuple()
                .chain(t -> Uni.combine().all()
                        .unis(sequenced.publishAll(t.getItem1().stream().flatMap(List::stream).toList()),
                                fanOut.publish(t.getItem1(), t.getItem2()).invoke(metrics::podEvents))
                        .discardItems()
                        .invoke(() -> t.getItem1().forEach(g -> g.forEach(m -> metrics.delivered(m.sentAt()))))))
                .replaceWithVoid();
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
