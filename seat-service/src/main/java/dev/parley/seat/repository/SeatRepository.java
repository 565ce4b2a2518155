package dev.parley.seat.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** PostgreSQL, the system of record: cohorts, their seat map and every hold ever made. */
@Singleton
public class SeatRepository {

    /** SQLSTATE of a unique violation: the final guard refused a second active seat or user. */
    public static final String UNIQUE_VIOLATION = "23505";
    public static final String FOREIGN_KEY_VIOLATION = "23503";
    public static final String CHECK_VIOLATION = "23514";

    private static final String HOLD_COLUMNS =
            "id, cohort_id, user_id, seat_no, state, created_at, expires_at, confirmed_at";

    private final Pool pool;

    public SeatRepository(Pool pool) {
        this.pool = pool;
    }

    public static Optional<String> sqlState(Throwable e) {
        return e instanceof PgException pg ? Optional.ofNullable(pg.getSqlState()) : Optional.empty();
    }

    public static Optional<String> constraint(Throwable e) {
        return e instanceof PgException pg ? Optional.ofNullable(pg.getConstraint()) : Optional.empty();
    }

    public Uni<Void> insertCohort(Cohort c, List<String> labels) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        INSERT INTO cohorts (id, owner_id, title, seats, opens_at, deadline, paused_at, closed, hold_ttl_ms, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, NULL, false, $7, $8)""")
                .execute(Tuple.from(List.of(c.id(), c.ownerId(), c.title(), c.seats(), odt(c.opensAt()), odt(c.deadline()),
                        c.holdTtlMs(), odt(c.createdAt()))))
                .chain(() -> insertSeats(tx, c.id(), c.seats(), labels)))
                .replaceWithVoid();
    }

    private Uni<RowSet<Row>> insertSeats(SqlClient tx, UUID cohort, int seats, List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            return tx.preparedQuery("""
                    INSERT INTO cohort_seats (cohort_id, seat_no, label)
                    SELECT $1, n, (n + 1)::text FROM generate_series(0, $2 - 1) AS n""")
                    .execute(Tuple.of(cohort, seats));
        }
        return tx.preparedQuery("""
                INSERT INTO cohort_seats (cohort_id, seat_no, label)
                SELECT $1, ord - 1, label FROM unnest($2::text[]) WITH ORDINALITY AS t(label, ord)""")
                .execute(Tuple.of(cohort, labels.toArray(String[]::new)));
    }

    public Uni<Optional<Cohort>> findCohort(UUID id) {
        return pool.preparedQuery("""
                        SELECT id, owner_id, title, seats, opens_at, deadline, paused_at, closed, hold_ttl_ms, created_at, timing_version
                        FROM cohorts WHERE id = $1""")
                .execute(Tuple.of(id))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row r = it.next();
                    return Optional.of(new Cohort(r.getUUID("id"), r.getString("owner_id"), r.getString("title"),
                            r.getInteger("seats"), instant(r, "opens_at"), instant(r, "deadline"), instant(r, "paused_at"),
                            r.getBoolean("closed"), r.getInteger("hold_ttl_ms"), instant(r, "created_at"), r.getLong("timing_version")));
                });
    }

    public Uni<List<String>> seatLabels(UUID cohort) {
        return pool.preparedQuery("SELECT label FROM cohort_seats WHERE cohort_id = $1 ORDER BY seat_no")
                .execute(Tuple.of(cohort))
                .map(rows -> {
                    List<String> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }

    /**
     * Sets a cohort's timing and moves its timing version from {@code fromVersion} to
     * {@code toVersion}, only if it still is at {@code fromVersion} (compare-and-set: a concurrent
     * change or an undo never overwrites another). Answers whether the row changed.
     */
    public Uni<Boolean> updateTiming(UUID cohort, long fromVersion, long toVersion, Instant deadline, Instant pausedAt, boolean closed) {
        return pool.preparedQuery("""
                        UPDATE cohorts SET deadline = $2, paused_at = $3, closed = $4, timing_version = $6
                        WHERE id = $1 AND timing_version = $5""")
                .execute(Tuple.from(new Object[] {cohort, odt(deadline), odt(pausedAt), closed, fromVersion, toVersion}))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Removes a cohort whose creation failed after its row was written (seats and claim go with it). */
    public Uni<Void> deleteCohort(UUID cohort) {
        return pool.preparedQuery("DELETE FROM cohorts WHERE id = $1").execute(Tuple.of(cohort)).replaceWithVoid();
    }

    public Uni<List<HoldRow>> activeHolds(UUID cohort) {
        return holds("WHERE cohort_id = $1 AND state IN ('held', 'confirmed')", Tuple.of(cohort));
    }

    public Uni<List<HoldRow>> allHolds(UUID cohort) {
        return holds("WHERE cohort_id = $1 ORDER BY created_at", Tuple.of(cohort));
    }

    public Uni<Optional<HoldRow>> hold(UUID id) {
        return holds("WHERE id = $1", Tuple.of(id)).map(l -> l.stream().findFirst());
    }

    /** The active hold on a seat or of a user, whichever the unique index named. */
    public Uni<Optional<HoldRow>> activeConflict(UUID cohort, int seat, String user) {
        return holds("WHERE cohort_id = $1 AND state IN ('held', 'confirmed') AND (seat_no = $2 OR user_id = $3)",
                Tuple.of(cohort, seat, user)).map(l -> l.stream().findFirst());
    }

    private Uni<List<HoldRow>> holds(String where, Tuple args) {
        return pool.preparedQuery("SELECT " + HOLD_COLUMNS + " FROM holds " + where)
                .execute(args)
                .map(rows -> {
                    List<HoldRow> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(new HoldRow(r.getUUID("id"), r.getUUID("cohort_id"), r.getString("user_id"),
                            r.getInteger("seat_no"), r.getString("state"), instant(r, "created_at"),
                            instant(r, "expires_at"), instant(r, "confirmed_at"))));
                    return out;
                });
    }

    public Uni<Void> insertHold(UUID id, UUID cohort, String user, int seat, Instant created, Instant expires) {
        return pool.preparedQuery("""
                        INSERT INTO holds (id, cohort_id, user_id, seat_no, state, created_at, expires_at)
                        VALUES ($1, $2, $3, $4, 'held', $5, $6)""")
                .execute(Tuple.of(id, cohort, user, seat, odt(created), odt(expires)))
                .replaceWithVoid();
    }

    /** held → confirmed; 0 when the row is not (or no longer) held by that user. */
    public Uni<Integer> confirm(UUID id, String user, Instant at) {
        return pool.preparedQuery("""
                        UPDATE holds SET state = 'confirmed', confirmed_at = $3
                        WHERE id = $1 AND user_id = $2 AND state = 'held'""")
                .execute(Tuple.of(id, user, odt(at)))
                .map(RowSet::rowCount);
    }

    /**
     * Ends active holds and answers the ids it ended. A release may end a confirmed seat; an expiry
     * only a held one — a confirmed seat never expires, whatever a (rebuilt) Redis believed.
     */
    public Uni<List<UUID>> end(List<UUID> ids, String state, Instant at) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String from = "expired".equals(state) ? "('held')" : "('held', 'confirmed')";
        return pool.preparedQuery("UPDATE holds SET state = $2, ended_at = $3 WHERE id = ANY($1) AND state IN " + from + " RETURNING id")
                .execute(Tuple.of(ids.toArray(UUID[]::new), state, odt(at)))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /** Which of these holds PostgreSQL has as confirmed. */
    public Uni<List<UUID>> confirmedAmong(List<UUID> ids) {
        return pool.preparedQuery("SELECT id FROM holds WHERE id = ANY($1) AND state = 'confirmed'")
                .execute(Tuple.of(ids.toArray(UUID[]::new)))
                .map(rows -> {
                    List<UUID> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    /** Holds whose expiry passed longer ago than the grace: Redis did not end them (it lost them). */
    public Uni<List<HoldRow>> expireOverdue(long graceMs) {
        return pool.preparedQuery("UPDATE holds SET state = 'expired', ended_at = now() "
                        + "WHERE state = 'held' AND expires_at < now() - make_interval(secs => $1) RETURNING " + HOLD_COLUMNS)
                .execute(Tuple.of(graceMs / 1000.0))
                .map(rows -> {
                    List<HoldRow> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(new HoldRow(r.getUUID("id"), r.getUUID("cohort_id"), r.getString("user_id"),
                            r.getInteger("seat_no"), r.getString("state"), instant(r, "created_at"),
                            instant(r, "expires_at"), instant(r, "confirmed_at"))));
                    return out;
                });
    }

    /** Cohorts still taking holds or with holds running: the sweeper's work list after a Redis loss. */
    public Uni<List<UUID>> liveCohorts() {
        return pool.query("""
                        SELECT id FROM cohorts WHERE NOT closed AND deadline > now() - interval '1 hour'
                        UNION SELECT DISTINCT cohort_id FROM holds WHERE state = 'held'""")
                .execute()
                .map(rows -> {
                    List<UUID> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getUUID(0)));
                    return out;
                });
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /**
     * Epoch ms a stored time is clamped to when read: 2^53 − 1 (year 287396), exact in a Lua
     * number and far from a long's overflow. A row written before the API's horizon existed (or
     * PostgreSQL's 'infinity', which the driver reads as OffsetDateTime.MAX) still reads.
     */
    public static final long MAX_STORED_MS = (1L << 53) - 1;
    private static final Instant LATEST = Instant.ofEpochMilli(MAX_STORED_MS);
    private static final Instant EARLIEST = Instant.ofEpochMilli(-MAX_STORED_MS);

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        if (t == null) {
            return null;
        }
        Instant i = t.toInstant();
        return i.isAfter(LATEST) ? LATEST : i.isBefore(EARLIEST) ? EARLIEST : i;
    }
}
