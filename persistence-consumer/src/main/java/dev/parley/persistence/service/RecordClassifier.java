package dev.parley.persistence.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Decides whether a sequenced record can be stored. Everything PostgreSQL would refuse for reasons
 * of the record itself is caught here, so a batch insert never fails because of one record.
 */
@ApplicationScoped
public class RecordClassifier {

    /** Either a storable message or the reason the record is poison. */
    public record Verdict(IncomingRecord record, ChatMessage message, String poisonReason) {
        public boolean poison() {
            return poisonReason != null;
        }
    }

    public Verdict classify(IncomingRecord record) {
        if (record.value() == null || record.value().length == 0) {
            return poison(record, "empty value");
        }
        ChatMessage message;
        try {
            message = Json.read(new String(record.value(), StandardCharsets.UTF_8), ChatMessage.class);
        } catch (JsonDecodeException e) {
            return poison(record, "undecodable JSON: " + e.getMessage());
        }
        if (message == null) {
            return poison(record, "undecodable JSON: null");
        }
        String invalid = message.validationError();
        if (!invalid.isEmpty()) {
            return poison(record, "invalid message: " + invalid);
        }
        if (message.seq() <= 0) {
            return poison(record, "invalid message: seq must be > 0 on the sequenced topic, was " + message.seq());
        }
        if (!isUuid(message.id())) {
            return poison(record, "invalid message: id is not a UUID");
        }
        if (hasNul(message)) {
            // PostgreSQL text cannot hold U+0000; the insert would fail for the whole batch.
            return poison(record, "invalid message: contains a NUL character");
        }
        return new Verdict(record, message, null);
    }

    private static Verdict poison(IncomingRecord record, String reason) {
        return new Verdict(record, null, reason);
    }

    private static boolean isUuid(String id) {
        try {
            UUID.fromString(id);
            return id.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasNul(ChatMessage m) {
        return contains0(m.body()) || contains0(m.conversationId()) || contains0(m.senderId())
                || contains0(m.senderDevice()) || contains0(m.senderPod()) || contains0(m.clientMsgId());
    }

    private static boolean contains0(String s) {
        return s != null && s.indexOf('\u0000') >= 0;
    }
}
