package dev.parley.contracts.chat.frames;

import java.util.Map;

/**
 * A frame a client sends on {@code /ws/chat} (protocol v1, see docs/protocol.md). One record for all
 * types; which fields a type needs is checked by ws-service, and unknown fields are refused.
 *
 * @param v     protocol version; absent means 1
 * @param type  send | sync | read | delivered | typing | unread | ping
 * @param cmid  client message id of a send (the client's retry key)
 * @param conv  conversation id
 * @param body  message text of a send
 * @param seq   a sequence number (read, delivered)
 * @param state typing state: start | stop
 * @param convs for sync: conversation id → last seq the client holds; for unread: the conversations to count
 */
public record ClientFrame(
        Integer v,
        String type,
        String cmid,
        String conv,
        String body,
        Long seq,
        String state,
        Map<String, Long> convs) {

    public static final int PROTOCOL_VERSION = 1;

    public static ClientFrame send(String cmid, String conv, String body) {
        return new ClientFrame(PROTOCOL_VERSION, "send", cmid, conv, body, null, null, null);
    }

    public static ClientFrame sync(Map<String, Long> lastSeqByConversation) {
        return new ClientFrame(PROTOCOL_VERSION, "sync", null, null, null, null, null, lastSeqByConversation);
    }

    public static ClientFrame read(String conv, long seq) {
        return new ClientFrame(PROTOCOL_VERSION, "read", null, conv, null, seq, null, null);
    }

    public static ClientFrame typing(String conv, String state) {
        return new ClientFrame(PROTOCOL_VERSION, "typing", null, conv, null, null, state, null);
    }
}
