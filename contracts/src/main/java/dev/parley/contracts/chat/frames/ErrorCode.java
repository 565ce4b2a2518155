package dev.parley.contracts.chat.frames;

/** Codes of {@code error} frames and of close frames. Clients branch on these, never on text. */
public final class ErrorCode {

    /** Not JSON, or JSON with unknown or mistyped fields. */
    public static final String MALFORMED = "malformed";
    /** A frame larger than ChatLimits.MAX_FRAME_BYTES. */
    public static final String FRAME_TOO_LARGE = "frame_too_large";
    /** A type this protocol version does not know. */
    public static final String UNKNOWN_TYPE = "unknown_type";
    /** A required field is missing or out of range. */
    public static final String INVALID = "invalid";
    /** The user is not a member of the conversation (or it does not exist). */
    public static final String NOT_MEMBER = "not_member";
    /** The same client message id is still being written; retry later. */
    public static final String IN_FLIGHT = "in_flight";
    /** Too many unacknowledged sends on this connection. */
    public static final String TOO_MANY_IN_FLIGHT = "too_many_in_flight";
    /** The message could not be written; nothing was stored; retry with the same cmid. */
    public static final String SEND_FAILED = "send_failed";
    /** Unsupported protocol version. */
    public static final String UNSUPPORTED_VERSION = "unsupported_version";
    /** A transient server problem; retry. */
    public static final String UNAVAILABLE = "unavailable";
    /**
     * The connection or the user sends frames faster than allowed; the frame was not processed.
     * The error carries {@code retryAfterMs}; a send may be repeated with the same cmid after it.
     */
    public static final String RATE_LIMITED = "rate_limited";

    /** WebSocket close code: the client did not read fast enough and was cut off; reconnect and sync. */
    public static final int CLOSE_SLOW_CONSUMER = 4008;
    /** WebSocket close code: the pod is draining; reconnect (the gateway routes elsewhere) and sync. */
    public static final int CLOSE_DRAINING = 1012;
    /**
     * WebSocket close code: the connection could not be registered (presence store unavailable or
     * overloaded); reconnect after a backoff and sync.
     */
    public static final int CLOSE_TRY_AGAIN_LATER = 1013;
    /** WebSocket close code: a message above the 64 KiB limit (whole or in fragments); nothing of it was read. */
    public static final int CLOSE_MESSAGE_TOO_BIG = 1009;

    /**
     * WebSocket close code (policy violation): the client kept sending far above its frame rate
     * limit, or opened more sockets than a user may hold on one pod; back off before reconnecting.
     */
    public static final int CLOSE_POLICY_VIOLATION = 1008;
    /**
     * WebSocket close code: nothing (no frame, no pong) came from the client within the idle
     * timeout; the connection was dead or the client does not answer pings. Reconnect and sync.
     */
    public static final int CLOSE_IDLE_TIMEOUT = 4000;

    private ErrorCode() {
    }
}
