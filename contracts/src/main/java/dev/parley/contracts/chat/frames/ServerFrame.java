package dev.parley.contracts.chat.frames;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.contracts.chat.ChatMessage;
import java.util.List;
import java.util.Map;

/**
 * A frame ws-service sends (protocol v1, see docs/protocol.md). Absent fields are omitted.
 *
 * <p>Types: {@code welcome}, {@code ack}, {@code msg}, {@code sync}, {@code typing}, {@code read},
 * {@code unread}, {@code error}, {@code reconnect}, {@code pong}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerFrame(
        String type,
        String cmid,
        String id,
        String conv,
        Long seq,
        Long ts,
        String status,
        ChatMessage message,
        List<ChatMessage> messages,
        String user,
        String device,
        String pod,
        String state,
        Map<String, Long> counts,
        String code,
        String reason,
        Integer v,
        Long retryAfterMs) {

    public static ServerFrame welcome(String user, String device, String pod, long serverTime) {
        return new ServerFrame("welcome", null, null, null, null, serverTime, null, null, null, user, device, pod,
                null, null, null, null, ClientFrame.PROTOCOL_VERSION, null);
    }

    /** The send is sequenced and durable: {@code status} is {@code sequenced}. */
    public static ServerFrame ack(String cmid, String id, String conv, long seq, long ts) {
        return new ServerFrame("ack", cmid, id, conv, seq, ts, "sequenced", null, null, null, null, null,
                null, null, null, null, null, null);
    }

    /** The send is durable in Kafka but its seq is not known yet ({@code status} {@code accepted}). */
    public static ServerFrame accepted(String cmid, String id, String conv, long ts) {
        return new ServerFrame("ack", cmid, id, conv, null, ts, "accepted", null, null, null, null, null,
                null, null, null, null, null, null);
    }

    public static ServerFrame msg(ChatMessage message) {
        return new ServerFrame("msg", null, null, message.conversationId(), message.seq(), null, null, message,
                null, null, null, null, null, null, null, null, null, null);
    }

    /** The whole gap after the client's last seq ({@code status} ok), never a part of it. */
    public static ServerFrame syncOk(String conv, long lastSeq, List<ChatMessage> messages) {
        return new ServerFrame("sync", null, null, conv, lastSeq, null, "ok", null, messages, null, null, null,
                null, null, null, null, null, null);
    }

    /** The gap cannot be served from the hot window: fetch it from the history API. */
    public static ServerFrame syncResync(String conv, long lastSeq, String reason) {
        return new ServerFrame("sync", null, null, conv, lastSeq, null, "resync", null, null, null, null, null,
                null, null, null, reason, null, null);
    }

    public static ServerFrame typing(String conv, String user, String state) {
        return new ServerFrame("typing", null, null, conv, null, null, null, null, null, user, null, null, state,
                null, null, null, null, null);
    }

    public static ServerFrame read(String conv, String user, long seq) {
        return new ServerFrame("read", null, null, conv, seq, null, null, null, null, user, null, null, null,
                null, null, null, null, null);
    }

    public static ServerFrame unread(Map<String, Long> counts) {
        return new ServerFrame("unread", null, null, null, null, null, null, null, null, null, null, null, null,
                counts, null, null, null, null);
    }

    public static ServerFrame error(String code, String reason, String cmid, String conv) {
        return new ServerFrame("error", cmid, null, conv, null, null, null, null, null, null, null, null, null,
                null, code, reason, null, null);
    }

    /**
     * The frame was refused because the connection or the user sends faster than allowed; nothing
     * was done with it. {@code retryAfterMs}: when the next frame would be taken.
     */
    public static ServerFrame rateLimited(String reason, String cmid, String conv, long retryAfterMs) {
        return new ServerFrame("error", cmid, null, conv, null, null, null, null, null, null, null, null, null,
                null, ErrorCode.RATE_LIMITED, reason, null, retryAfterMs);
    }

    public static ServerFrame reconnect(String reason) {
        return new ServerFrame("reconnect", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, reason, null, null);
    }

    /** The server may have missed events for this client (its pod's channel was lost): send {@code sync}. */
    public static ServerFrame syncNeeded(String reason) {
        return new ServerFrame("sync_needed", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, reason, null, null);
    }

    public static ServerFrame pong(long serverTime) {
        return new ServerFrame("pong", null, null, null, null, serverTime, null, null, null, null, null, null,
                null, null, null, null, null, null);
    }
}
