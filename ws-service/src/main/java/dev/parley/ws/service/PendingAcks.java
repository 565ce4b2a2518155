package dev.parley.ws.service;

import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.ws.ClientSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends accepted by Kafka whose sequenced echo has not come back yet. The echo completes the ack
 * with the seq; if it does not come within the ack timeout the sender gets an "accepted" ack (the
 * message is durable) and learns the seq later from delivery or sync.
 */
@Singleton
public class PendingAcks {

    private record Pending(ClientSession session, String cmid, String conv, long ts, long timerId) {
    }

    private final Map<String, Pending> byMessageId = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final WsConfig config;

    private final Timer sendToAck;

    public PendingAcks(Vertx vertx, WsConfig config, MeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        this.sendToAck = Timer.builder("parley.ws.send.ack")
                .description("send accepted to sequenced ack (the whole pipeline round trip)").register(metrics);
    }

    public void await(String messageId, ClientSession session, String cmid, String conv, long ts) {
        long timer = vertx.setTimer(config.ackTimeout().toMillis(), t -> {
            Pending p = byMessageId.remove(messageId);
            if (p != null) {
                p.session().endSend();
                p.session().push(ServerFrame.accepted(p.cmid(), messageId, p.conv(), p.ts()));
            }
        });
        byMessageId.put(messageId, new Pending(session, cmid, conv, ts, timer));
    }

    /** Completes the ack of a message this pod accepted; returns the session that sent it, if any. */
    public ClientSession complete(String messageId, long seq) {
        Pending p = byMessageId.remove(messageId);
        if (p == null) {
            return null;
        }
        vertx.cancelTimer(p.timerId());
        sendToAck.record(Math.max(0, System.currentTimeMillis() - p.ts()), TimeUnit.MILLISECONDS);
        p.session().endSend();
        p.session().push(ServerFrame.ack(p.cmid(), messageId, p.conv(), seq, p.ts()));
        return p.session();
    }

    /** Forgets a send that failed; its sender is told by an error frame instead. */
    public void cancel(String messageId) {
        Pending p = byMessageId.remove(messageId);
        if (p != null) {
            vertx.cancelTimer(p.timerId());
        }
    }

    public int size() {
        return byMessageId.size();
    }
}
