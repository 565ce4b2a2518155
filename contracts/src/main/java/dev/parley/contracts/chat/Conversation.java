package dev.parley.contracts.chat;

import java.time.Instant;
import java.util.List;

/** A 1:1 ({@code direct}) or group conversation and its members (system of record: PostgreSQL). */
public record Conversation(String id, String kind, String title, List<String> members, String createdBy, Instant createdAt) {

    public static final String DIRECT = "direct";
    public static final String GROUP = "group";
    public static final int MAX_GROUP_MEMBERS = 1000;
}
