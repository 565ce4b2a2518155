package dev.parley.contracts.chat;

import java.util.List;

/**
 * One page of a conversation's history, ordered by seq ascending. {@code source} says where it was
 * read: {@code hot} (Redis window), {@code cold} (PostgreSQL) or {@code mixed}.
 */
public record HistoryPage(String conversationId, List<ChatMessage> messages, boolean hasMore, String source) {
}
