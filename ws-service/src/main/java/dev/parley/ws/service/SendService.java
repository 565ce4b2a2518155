package dev.parley.ws.service;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.PodIdentity;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.messaging.InboundProducer;
import dev.parley.ws.repository.DedupeStore;
import dev.parley.ws.repository.HotStore;
import dev.parley.ws.ws.ClientSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/**
 * The send path: validate, authorize (member of the conversation), deduplicate the client's retry,
 * write to Kafka, and acknowledge only after Kafka did. The ack carries the seq once the sequenced
 * echo is back (see {@link PendingAcks}).
 */
@Singleton
public class SendService {

    private final TimeBasedEpochGenerator uuidV7 = Generators.timeBasedEpochGenerator();
    private final DedupeStore dedupe;
    private final HotStore hot;
    private final InboundProducer producer;
    private final PendingAcks pending;
    private final PodIdentity pod;
    private final WsConfig config;
    private final Counter accepted;
    private final Counter duplicates;
    private final Timer produceTimer;

    public SendService(DedupeStore dedupe, HotStore hot, InboundProducer producer,
            PendingAcks pending, PodIdentity pod, WsConfig config, MeterRegistry metrics) {
        this.dedupe = dedupe;
        this.hot = hot;
        this.producer = producer;
        this.pending = pending;
        this.pod = pod;
        this.config = config;
        this.accepted = Counter.builder("parley.ws.messages.accepted").description("sends written to Kafka").register(metrics);
        this.duplicates = Counter.builder("parley.ws.messages.duplicates").description("client retries answered from dedupe").register(metrics);
        this.produceTimer = Timer.builder("parley.ws.send.kafka").description("send frame to Kafka ack").register(metrics);
    }

    public Uni<Void> send(ClientSession session, ClientFrame frame) {
        String conv = FrameRules.conversation(frame.conv());
        String cmid = FrameRules.clientMessageId(frame.cmid(), conv);
        String body = FrameRules.body(frame.body(), conv);
        if (!session.tryBeginSend(config.inFlightLimit())) {
            throw new FrameException(ErrorCode.TOO_MANY_IN_FLIGHT, "wait for acks before sending more", conv);
        }
        String id = uuidV7.generate().toString();
        long now = System.currentTimeMillis();
        return dedupe.claim(conv, session.userId(), cmid, id)
                .flatMap(claim -> {
                    if (claim instanceof DedupeStore.NotMember) {
                        throw new FrameException(ErrorCode.NOT_MEMBER, "not a member of this conversation", conv);
                    }
                    if (claim instanceof DedupeStore.Duplicate d) {
                        return answerRetry(session, cmid, conv, d.messageId(), now);
                    }
                    if (claim instanceof DedupeStore.InFlight i) {
                        return answerInFlight(session, cmid, conv, i.messageId(), now);
                    }
                    return write(session, new ChatMessage(id, conv, 0, session.userId(), session.deviceId(),
                            pod.podId(), cmid, body, now));
                })
                .onFailure().invoke(session::endSend)
                .onFailure(e -> !(e instanceof FrameException))
                .transform(e -> new FrameException(ErrorCode.UNAVAILABLE, "temporarily unavailable; retry with the same cmid", conv));
    }

    private Uni<Void> write(ClientSession session, ChatMessage message) {
        // The echo may come back before the producer's callback: wait for it from now on, but
        // answer "accepted" (durable) only once Kafka acknowledged the write.
        Object waiter = pending.register(message.id(), session, message.clientMsgId(), message.conversationId(), message.sentAt());
        long start = System.nanoTime();
        return producer.send(message)
                .onItem().invoke(() -> {
                    pending.startTimeout(message.id(), waiter);
                    produceTimer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
                    accepted.increment();
                })
                .onFailure().call(e -> {
                    pending.cancel(message.id(), session);
                    return dedupe.release(message.conversationId(), message.senderId(), message.clientMsgId()).onFailure().recoverWithNull();
                })
                .onFailure().transform(e -> new FrameException(ErrorCode.SEND_FAILED,
                        "not stored: " + e.getMessage() + "; retry with the same cmid", message.conversationId()))
                // Written: from here on the message exists. If remembering the cmid fails, the
                // pending marker (which names the id) still answers retries until it expires.
                .invoke(() -> dedupe.confirm(message.conversationId(), message.senderId(), message.clientMsgId(), message.id()));
    }

    /** The first attempt is still being written — unless it already went through. */
    private Uni<Void> answerInFlight(ClientSession session, String cmid, String conv, String messageId, long now) {
        return hot.seqOf(conv, messageId).map(seq -> {
            if (seq.isEmpty()) {
                throw new FrameException(ErrorCode.IN_FLIGHT, "this cmid is still being written; retry", conv);
            }
            duplicates.increment();
            session.endSend();
            session.push(ServerFrame.ack(cmid, messageId, conv, seq.get(), now));
            return null;
        });
    }

    /** A retry of a send we already wrote: answer with the original id (and seq when known). */
    private Uni<Void> answerRetry(ClientSession session, String cmid, String conv, String messageId, long now) {
        duplicates.increment();
        return hot.seqOf(conv, messageId).map(seq -> {
            if (seq.isPresent()) {
                session.endSend();
                session.push(ServerFrame.ack(cmid, messageId, conv, seq.get(), now));
            } else {
                pending.await(messageId, session, cmid, conv, now);
            }
            return null;
        });
    }
}
