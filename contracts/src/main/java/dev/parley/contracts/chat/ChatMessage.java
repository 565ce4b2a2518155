package dev.parley.contracts.chat;

import dev.parley.contracts.text.StorableText;

/**
 * A chat message as it travels the pipeline. On {@code parley.messages.inbound} its {@code seq} is
 * 0; delivery-consumer assigns the dense per-conversation sequence (1, 2, 3, …) and publishes the
 * same record with its seq to {@code parley.messages.sequenced}, which persistence-consumer reads.
 *
 * @param id            UUIDv7 assigned by ws-service when it accepted the send
 * @param conversationId the conversation (also the Kafka key, so one conversation stays ordered)
 * @param seq           per-conversation sequence number, 0 until sequenced
 * @param senderId      user id of the sender
 * @param senderDevice  device (connection) id the sender used
 * @param senderPod     ws-service pod that accepted it; it always receives the sequenced echo,
 *                      which completes the sender's ack
 * @param clientMsgId   the sender's own id for the message, used to deduplicate client retries
 * @param body          text, 1 to {@link ChatLimits#MAX_BODY_CHARS} characters (code points), storable
 *                      everywhere ({@link StorableText})
 * @param sentAt        server time (epoch ms) when ws-service accepted it
 */
public record ChatMessage(
        String id,
        String conversationId,
        long seq,
        String senderId,
        String senderDevice,
        String senderPod,
        String clientMsgId,
        String body,
        long sentAt) {

    public ChatMessage withSeq(long newSeq) {
        return new ChatMessage(id, conversationId, newSeq, senderId, senderDevice, senderPod, clientMsgId, body, sentAt);
    }

    /** Problems that make this record unusable (a poison record), or an empty string when it is valid. */
    public String validationError() {
        if (isBlank(id)) {
            return "id is missing";
        }
        if (isBlank(conversationId)) {
            return "conversationId is missing";
        }
        if (isBlank(senderId)) {
            return "senderId is missing";
        }
        if (isBlank(clientMsgId)) {
            return "clientMsgId is missing";
        }
        // the same rules ws-service applied before it acknowledged the send: a record that fails
        // them here was not written by ws-service
        String text = StorableText.problem("body", body, ChatLimits.MAX_BODY_CHARS);
        if (text != null) {
            return text;
        }
        if (seq < 0) {
            return "seq is negative";
        }
        return "";
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
