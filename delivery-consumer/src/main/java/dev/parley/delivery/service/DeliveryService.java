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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The path of a round's valid inbound messages: sequence + hot store (Redis), fan out to the
 * recipients' pods, produce to the sequenced topic. The messages are grouped by conversation, each
 * group in Kafka order; every Redis step is one pipeline for the whole round, and every produce is
 * in flight at once (the idempotent producer keeps their order). A failure retries its part as a
 * whole (the Redis part, or the produce); every step is idempotent (the script returns the seq a
 * message already has, persistence-consumer ignores a duplicate, clients drop a message id they
 * already hold).
 */
@ApplicationScoped
public class DeliveryService {

    private static final Logger LOG = Logger.getLogger(DeliveryService.class);

    private final Sequencer sequencer;
    private final SequencedPublisher sequenced;
    private final FanOut fanOut;
    private final DeliveryMetrics metrics;
    private final DeliveryConfig.Retry retry;
    private final ProducesUnderWay produces;

    public DeliveryService(Sequencer sequencer, SequencedPublisher sequenced, FanOut fanOut,
                           DeliveryMetrics metrics, DeliveryConfig config, ProducesUnderWay produces) {
        this.sequencer = sequencer;
        this.produces = produces;
        this.sequenced = sequenced;
        this.fanOut = fanOut;
        this.metrics = metrics;
        this.retry = config.retry();
    }

    /**
     * Delivers a round's messages. The returned Uni completes once they are sequenced, in the hot
     * window and published to the pods; its item is the sequenced produce, already under way, which
     * completes when the broker acknowledged every record. The caller acks the round's polls on the
     * latter but may start the next round on the former: the broker's ack is off the critical path.
     */
    public Uni<CompletionStage<Void>> deliverAll(List<ChatMessage> messages) {
        if (messages.isEmpty()) {
            return Uni.createFrom().item(CompletableFuture.completedFuture(null));
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
        // Sequencing ∥ finding the recipients, then the pod events. Publishing before the broker
        // acknowledged the sequenced records loses nothing: the messages are in the hot window
        // already, and until this round's polls are acked their inbound records are read again,
        // keep their seqs and are produced again.
        return withRetry(what, () -> Uni.combine().all()
                        .unis(sequencer.sequence(groups), fanOut.recipients(conversationIds)).asTuple()
                        .call(t -> fanOut.publish(t.getItem1(), t.getItem2())))
                .map(t -> {
                    List<ChatMessage> sequencedMessages = new ArrayList<>(messages.size());
                    t.getItem1().forEach(sequencedMessages::addAll);
                    sequencedMessages.forEach(m -> metrics.delivered(m.sentAt()));
                    // subscribed now, so this round's records reach the producer before the next round's
                    return produces.track(withRetry("produce " + what, () -> sequenced.publishAll(sequencedMessages))
                            .subscribeAsCompletionStage());
                });
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
