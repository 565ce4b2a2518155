package dev.parley.seat.repository;

import java.time.Instant;
import java.util.UUID;

/** One hold row; {@code state} is held, confirmed, released or expired. */
public record HoldRow(UUID id, UUID cohortId, String userId, int seat, String state, Instant createdAt,
                      Instant expiresAt, Instant confirmedAt) {
}
