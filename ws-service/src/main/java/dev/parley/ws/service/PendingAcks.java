package dev.parley.ws.service;

import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.ws.ClientSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends accepted by Kafka whose sequenced echo has not come back yet. The echo completes the ack
 * with the seq; if it does not come within the ack timeout the sender gets an "accepted" ack (the
 * message is durable) and learns the seq later from delivery or sync.
 *
 * <p>A message may have several waiters: a client that retries a send (same cmid) before the echo
 * came back waits for the same message id again, from the same or another connection. Every
 * waiter gets exactly one answer and gives its connection's in-flight slot back with it.
 */
@Singleton
public class PendingAcks {

    private static final class Pending {
        final ClientSession session;
        final String cmid;
        final String conv;
        final long ts;
        long timerId;

        Pending(ClientSession session, String cmid, String conv, long ts) {
            this.session = session;
            this.cmid = cmid;
            this.conv = conv;
            this.ts = ts;
        }
    }

    private final Map<String, List<Pending>> byMessageId = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final WsConfig config;

    private final Timer sendToAck;

    public PendingAcks(Vertx vertx, WsConfig config, MeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        this.sendToAck = Timer.builder("parley.ws.send.ack")
                .description("send accepted to sequenced ack (the whole pipeline round trip)").register(metrics);
    }

    /** Waits for the echo of a message already durable in Kafka (a retry of an accepted send). */
    public void await(String messageId, ClientSession session, String cmid, String conv, long ts) {
        startTimeout(messageId, register(messageId, session, cmid, conv, ts));
    }

    /**
     * Waits for the echo of a message whose produce is still under way: the echo is caught from
     * now on, but the "accepted" answer may only be given once Kafka acknowledged the write
     * ({@link #startTimeout}); until then the send may still fail and be refused instead.
     */
    public Object register(String messageId, ClientSession session, String cmid, String conv, long ts) {
        Pending pending = new Pending(session, cmid, conv, ts);
        byMessageId.compute(messageId, (id, waiters) -> {
            List<Pending> list = waiters == null ? new ArrayList<>(1) : waiters;
            synchronized (list) {
                list.add(pending);
            }
            return list;
        });
        return pending;
    }

    /** Kafka holds the message: without an echo within the ack timeout, answer "accepted". */
    public void startTimeout(String messageId, Object handle) {
        Pending pending = (Pending) handle;
        pending.timerId = vertx.setTimer(config.ackTimeout().toMillis(), t -> {
            if (remove(messageId, pending)) {
                pending.session.endSend();
                pending.session.push(ServerFrame.accepted(pending.cmid, messageId, pending.conv, pending.ts));
            }
        });
    }

    /**
     * Completes the acks of a message this pod accepted; returns the session that sent it first,
     * if any waits.
     */
    public ClientSession complete(String messageId, long seq) {
        List<Pending> waiters = byMessageId.remove(messageId);
        if (waiters == null) {
            return null;
        }
        List<Pending> answered;
        synchronized (waiters) {
            answered = List.copyOf(waiters);
            waiters.clear();
        }
        for (Pending p : answered) {
            vertx.cancelTimer(p.timerId);
            sendToAck.record(Math.max(0, System.currentTimeMillis() - p.ts), TimeUnit.MILLISECONDS);
            p.session.endSend();
            p.session.push(ServerFrame.ack(p.cmid, messageId, p.conv, seq, p.ts));
        }
        return answered.isEmpty() ? null : answered.get(0).session;
    }

    /**
     * Forgets the waiter of {@code session} for a send that failed; that sender is told by an error
     * frame instead (and gives its slot back there). Other waiters of the message keep waiting.
     */
    public void cancel(String messageId, ClientSession session) {
        List<Pending> waiters = byMessageId.get(messageId);
        if (waiters == null) {
            return;
        }
        List<Pending> mine;
        synchronized (waiters) {
            mine = waiters.stream().filter(p -> p.session == session).toList();
        }
        for (Pending p : mine) {
            if (remove(messageId, p)) {
                vertx.cancelTimer(p.timerId);
            }
        }
    }

    /** Messages with at least one waiter. */
    public int size() {
        return byMessageId.size();
    }

    private boolean remove(String messageId, Pending pending) {
        boolean[] removed = {false};
        byMessageId.computeIfPresent(messageId, (id, waiters) -> {
            synchronized (waiters) {
                removed[0] = waiters.remove(pending);
                return waiters.isEmpty() ? null : waiters;
            }
        });
        return removed[0];
    }
}
