package dev.parley.ws.service;

import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.ws.ClientSession;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    public PendingAcks(Vertx vertx, WsConfig config) {
        this.vertx = vertx;
        this.config = config;
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
