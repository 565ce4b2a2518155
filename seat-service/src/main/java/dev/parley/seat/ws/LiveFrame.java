package dev.parley.seat.ws;

/**
 * One frame of live push. {@code id} is the cohort log (stream) id for resumable events, null for
 * snapshots (status, position, resync) which a reconnecting client gets fresh anyway.
 */
public record LiveFrame(String id, String event, String data) {

    /** WebSocket form: one JSON text frame. */
    public String json() {
        return "{\"id\":" + (id == null ? "null" : "\"" + id + "\"") + ",\"event\":\"" + event + "\",\"data\":" + data + "}";
    }
}
