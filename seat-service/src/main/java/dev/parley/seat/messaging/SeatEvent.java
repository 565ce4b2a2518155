package dev.parley.seat.messaging;

/**
 * A fact about a cohort, pushed live (WebSocket, SSE) and published to Kafka for analytics.
 * {@code type}: cohort-created, held, confirmed, released, expired, admitted, sold-out, extended,
 * paused, resumed, closed. Fields that do not apply are null.
 */
public record SeatEvent(String type, String cohortId, String holdId, String userId, Integer seat,
                        Long expiresAtMs, Long deadlineMs, Long pausedAtMs, long atMs) {

    public static SeatEvent hold(String type, String cohortId, String holdId, String userId, int seat, Long expiresAtMs, long atMs) {
        return new SeatEvent(type, cohortId, holdId, userId, seat, expiresAtMs, null, null, atMs);
    }

    public static SeatEvent timing(String type, String cohortId, long deadlineMs, Long pausedAtMs, long atMs) {
        return new SeatEvent(type, cohortId, null, null, null, null, deadlineMs, pausedAtMs, atMs);
    }
}
