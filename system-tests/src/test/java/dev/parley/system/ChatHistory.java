package dev.parley.system;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the clients of a chaos run did and saw, as Jepsen records a history: every send (first
 * attempt), every ack, every message a device received (live or in a sync answer, and on which of
 * its connections). {@link HistoryChecker} classifies it afterwards against PostgreSQL. Written
 * from the clients' event loops, so every structure is concurrent; times are System.nanoTime().
 */
final class ChatHistory {

    /** A send as its client issued it first (retries keep the cmid and this time). */
    record Sent(String cmid, String conv, String user, String device, long nanos) {
    }

    /** The first ack of a cmid; {@code seq} is null when it was "accepted" (sequenced later). */
    record Ack(String cmid, String id, String conv, Long seq, long nanos) {
    }

    /** One message frame as a device got it; {@code connection} counts the device's connections from 1. */
    record Receipt(String device, String conv, String id, String cmid, long seq, boolean bySync, int connection, long nanos) {
    }

    final Map<String, Sent> sent = new ConcurrentHashMap<>();
    final Map<String, Ack> acks = new ConcurrentHashMap<>();
    /** cmid → an id that differed from the first ack's: the same send answered as two messages. */
    final Map<String, String> conflictingAcks = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Receipt> receipts = new ConcurrentLinkedQueue<>();
    /** device + conv of every sync answered "resync" (the gap was not in the hot window). */
    final ConcurrentLinkedQueue<String> resyncs = new ConcurrentLinkedQueue<>();
    /** conversation → the devices that should receive its messages (every device of every member). */
    final Map<String, List<String>> recipients = new ConcurrentHashMap<>();

    void sent(String cmid, String conv, String user, String device) {
        sent.putIfAbsent(cmid, new Sent(cmid, conv, user, device, System.nanoTime()));
    }

    void acked(String cmid, String id, String conv, Long seq) {
        Ack first = acks.putIfAbsent(cmid, new Ack(cmid, id, conv, seq, System.nanoTime()));
        if (first != null && !first.id().equals(id)) {
            conflictingAcks.put(cmid, id);
        }
    }

    void received(String device, String conv, String id, String cmid, long seq, boolean bySync, int connection) {
        receipts.add(new Receipt(device, conv, id, cmid, seq, bySync, connection, System.nanoTime()));
    }

    void resync(String device, String conv) {
        resyncs.add(device + " " + conv);
    }
}
