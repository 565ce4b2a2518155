package dev.parley.seat.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What the API answers with. Times are epoch milliseconds of the server clock (Redis TIME). */
public final class Views {

    private Views() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CohortView(String id, String ownerId, String title, int seats, long opensAtMs, long deadlineMs,
                             Long pausedAtMs, boolean closed, int holdTtlMs, String state, int free, int held,
                             int confirmed, int queued, long remainingMs, long serverTimeMs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HoldView(String holdId, String cohortId, String userId, int seat, String label, String state,
                           long expiresAtMs, long serverTimeMs) {
    }

    /** Answer to a hold request: a hold (201) or a place in the waiting room (202). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HoldOutcome(String state, HoldView hold, Integer position, String cohortId, long serverTimeMs) {
        public boolean queued() {
            return hold == null;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MeView(CohortView cohort, HoldView hold, Integer queuePosition) {
    }

    public record SeatCell(int seat, String label, String state) {
    }

    public record SeatGrid(String cohortId, List<SeatCell> seats, long serverTimeMs) {
    }
}
