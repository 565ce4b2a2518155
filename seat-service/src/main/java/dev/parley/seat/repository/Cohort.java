package dev.parley.seat.repository;

import java.time.Instant;
import java.util.UUID;

/**
 * A cohort as PostgreSQL records it. {@code pausedAt} is null unless the countdown is paused;
 * {@code timingVersion} counts timing changes (extend, pause, resume, close), for compare-and-set.
 */
public record Cohort(UUID id, String ownerId, String title, int seats, Instant opensAt, Instant deadline,
                     Instant pausedAt, boolean closed, int holdTtlMs, Instant createdAt, long timingVersion) {
}
