package dev.parley.contracts.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a ws-service pod receives on its own Redis channel ({@code RedisKeys#podChannel}): an event
 * for the listed users, of whom the pod holds at least one connection. One channel per pod, never a
 * broadcast to every pod.
 *
 * <ul>
 *   <li>{@code message}: {@link #message} (sequenced) for {@link #userIds}</li>
 *   <li>{@code typing}: {@link #fromUser} is typing ({@link #state} {@code start|stop}) in {@link #conversationId}</li>
 *   <li>{@code read}: {@link #fromUser} has read {@link #conversationId} up to {@link #seq}</li>
 *   <li>{@code batch}: {@link #events}, to be handled in list order (never nested). A pod's events
 *       of one delivery poll travel as one batch: one PUBLISH and one pub/sub frame instead of one
 *       per message.</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PodEvent(
        String type,
        List<String> userIds,
        ChatMessage message,
        String conversationId,
        String fromUser,
        Long seq,
        String state,
        List<PodEvent> events) {

    public static final String MESSAGE = "message";
    public static final String TYPING = "typing";
    public static final String READ = "read";
    public static final String BATCH = "batch";

    public static PodEvent message(List<String> userIds, ChatMessage message) {
        return new PodEvent(MESSAGE, userIds, message, message.conversationId(), null, message.seq(), null, null);
    }

    public static PodEvent typing(List<String> userIds, String conversationId, String fromUser, String state) {
        return new PodEvent(TYPING, userIds, null, conversationId, fromUser, null, state, null);
    }

    public static PodEvent read(List<String> userIds, String conversationId, String fromUser, long seq) {
        return new PodEvent(READ, userIds, null, conversationId, fromUser, seq, null, null);
    }

    /** Several events for one pod, in order; a single event is better sent as itself. */
    public static PodEvent batch(List<PodEvent> events) {
        return new PodEvent(BATCH, null, null, null, null, null, null, List.copyOf(events));
    }
}
