package dev.parley.contracts.chat;

import java.time.Duration;

/** Limits of the chat protocol that more than one service enforces or relies on. */
public final class ChatLimits {

    /** Longest message body, in characters (code points, as PostgreSQL's char_length counts). */
    public static final int MAX_BODY_CHARS = 4000;

    /** Largest WebSocket text frame a client may send, in bytes. */
    public static final int MAX_FRAME_BYTES = 16 * 1024;

    /** Above this (bytes, a whole message), the connection is closed with 1009 instead of answered. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    /**
     * Expiry of a conversation's cached member set ({@code conv:{c}:members}; PostgreSQL is the
     * truth). One value for every service that fills it.
     */
    public static final Duration MEMBER_CACHE_TTL = Duration.ofDays(1);

    /** How long messages stay in the Redis hot window (history beyond comes from PostgreSQL). */
    public static final Duration HOT_WINDOW = Duration.ofDays(7);

    /** Most messages one conversation keeps in the hot window, whatever their age. */
    public static final int HOT_MAX_ENTRIES = 10_000;

    /** Largest gap a reconnect sync fills; beyond it the client is told to resync from history. */
    public static final int SYNC_MAX_GAP = 500;

    /** Longest history page. */
    public static final int MAX_PAGE = 200;

    private ChatLimits() {
    }
}
