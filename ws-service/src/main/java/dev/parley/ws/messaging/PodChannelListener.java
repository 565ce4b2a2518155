package dev.parley.ws.messaging;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import dev.parley.ws.service.PendingAcks;
import dev.parley.ws.ws.ClientSession;
import dev.parley.ws.ws.ConnectionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Hands each event of this pod's delivery channel to the local connections of the users it names.
 * Redis pub/sub is at-most-once: a pod that was down misses events, and its clients recover them by
 * sync after reconnecting; {@link PodChannelSubscription} keeps the subscription alive and tells the
 * clients to sync when the channel itself was lost.
 */
@Singleton
public class PodChannelListener {

    private static final Logger LOG = Logger.getLogger(PodChannelListener.class);

    private final ConnectionRegistry connections;
    private final PendingAcks pending;
    private final Counter pushed;
    private final Counter malformed;
    private final Timer deliveryLatency;

    public PodChannelListener(ConnectionRegistry connections, PendingAcks pending, MeterRegistry metrics) {
        this.connections = connections;
        this.pending = pending;
        this.pushed = Counter.builder("parley.ws.messages.pushed").description("message frames pushed to clients").register(metrics);
        this.malformed = Counter.builder("parley.ws.pod.events.malformed").register(metrics);
        this.deliveryLatency = Timer.builder("parley.ws.delivery.latency")
                .description("server accept time to push on the recipient's pod").register(metrics);
    }

    /** Never throws: an exception here would end the subscription and deafen the pod. */
    void onEvent(String payload) {
        try {
            dispatch(payload);
        } catch (RuntimeException e) {
            LOG.errorf(e, "pod event not handled");
        }
    }

    private void dispatch(String payload) {
        PodEvent event;
        try {
            event = Json.read(payload, PodEvent.class);
        } catch (RuntimeException e) {
            malformed.increment();
            LOG.warnf("malformed pod event dropped: %s", e.getMessage());
            return;
        }
        if (PodEvent.BATCH.equals(event.type()) && event.events() != null) {
            // in order: a batch holds a delivery poll's events for this pod, each conversation in seq order
            for (PodEvent inner : event.events()) {
                handleOne(inner);
            }
        } else {
            handleOne(event);
        }
    }

    /** One bad event costs only itself, not the rest of its batch. */
    private void handleOne(PodEvent event) {
        try {
            handle(event);
        } catch (RuntimeException e) {
            malformed.increment();
            LOG.warnf("pod event dropped: %s", e.toString());
        }
    }

    private void handle(PodEvent event) {
        switch (event.type() == null ? "" : event.type()) {
            case PodEvent.MESSAGE -> onMessage(event);
            case PodEvent.TYPING -> forEachSession(event, s -> !s.userId().equals(event.fromUser()),
                    ServerFrame.typing(event.conversationId(), event.fromUser(), event.state()));
            case PodEvent.READ -> forEachSession(event, s -> true,
                    ServerFrame.read(event.conversationId(), event.fromUser(), event.seq()));
            default -> malformed.increment();
        }
    }

    private void onMessage(PodEvent event) {
        ChatMessage message = event.message();
        ClientSession sender = pending.complete(message.id(), message.seq());
        deliveryLatency.record(Math.max(0, System.currentTimeMillis() - message.sentAt()), TimeUnit.MILLISECONDS);
        String frame = Json.write(ServerFrame.msg(message));
        if (event.userIds() == null) {
            return;
        }
        for (String user : event.userIds()) {
            for (ClientSession session : connections.sessionsOf(user)) {
                if (session != sender) {
                    session.pushRaw(frame);
                    pushed.increment();
                }
            }
        }
    }

    private void forEachSession(PodEvent event, java.util.function.Predicate<ClientSession> filter, ServerFrame frame) {
        if (event.userIds() == null) {
            return;
        }
        String json = Json.write(frame);
        for (String user : event.userIds()) {
            connections.sessionsOf(user).stream().filter(filter).forEach(s -> s.pushRaw(json));
        }
    }
}
