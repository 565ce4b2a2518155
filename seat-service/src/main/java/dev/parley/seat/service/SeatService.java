package dev.parley.seat.service;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.json.Json;
import dev.parley.seat.config.SeatConfig;
import dev.parley.seat.messaging.SeatEvent;
import dev.parley.seat.messaging.SeatEventPublisher;
import dev.parley.seat.repository.Cohort;
import dev.parley.seat.repository.HoldRow;
import dev.parley.seat.repository.SeatRepository;
import dev.parley.seat.service.LuaScripts.Script;
import dev.parley.seat.service.Views.CohortView;
import dev.parley.seat.service.Views.HoldOutcome;
import dev.parley.seat.service.Views.HoldView;
import dev.parley.seat.service.Views.MeView;
import dev.parley.seat.service.Views.SeatCell;
import dev.parley.seat.service.Views.SeatGrid;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Holds, confirms and releases seats. Redis (one Lua script per operation, atomic per cohort)
 * decides; PostgreSQL records, and its unique indexes refuse whatever Redis got wrong (after a
 * loss): a refused write is undone in Redis and the client is told to try again.
 */
@Singleton
public class SeatService {

    private static final Logger LOG = Logger.getLogger(SeatService.class);
    private static final TimeBasedEpochGenerator UUIDS = Generators.timeBasedEpochGenerator();

    private final LuaScripts scripts;
    private final SeatRepository repo;
    private final SeatEventPublisher events;
    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final SeatConfig config;
    /** One rebuild per cohort at a time per replica, however many requests found Redis empty. */
    private final Map<UUID, Uni<Void>> rebuilding = new ConcurrentHashMap<>();
    private final Map<UUID, List<String>> labels = new ConcurrentHashMap<>();
    private final Map<UUID, Cohort> known = new ConcurrentHashMap<>();
    /** Cohorts this replica sweeps; refreshed from PostgreSQL so a Redis loss does not lose them. */
    private final Set<UUID> live = ConcurrentHashMap.newKeySet();

    public SeatService(LuaScripts scripts, SeatRepository repo, SeatEventPublisher events,
                       ReactiveRedisDataSource redis, RedisKeys keys, SeatConfig config) {
        this.scripts = scripts;
        this.repo = repo;
        this.events = events;
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    public static UUID newId() {
        return UUIDS.generate();
    }

    public Set<UUID> liveCohorts() {
        return live;
    }

    /** Server time: the Redis clock, the same one every Lua script reads. */
    public Uni<Long> now() {
        return redis.execute("TIME").map(r -> r.get(0).toLong() * 1000 + r.get(1).toLong() / 1000);
    }

    // ---------------------------------------------------------------- cohorts

    public record NewCohort(String title, Integer seats, Instant opensAt, Instant deadline, Long holdTtlMs, List<String> seatLabels) {
    }

    public static final int MAX_SEATS = 10_000;
    public static final int MAX_TITLE = 200;
    public static final int MAX_LABEL = 40;
    public static final long MIN_HOLD_TTL_MS = 100;
    public static final long MAX_HOLD_TTL_MS = 3_600_000;

    public Uni<CohortView> create(String owner, NewCohort req) {
        if (req == null) {
            throw SeatException.badRequest("body required: {title, seats, deadline, opensAt?, holdTtlMs?, seatLabels?}");
        }
        if (req.title() == null) {
            throw SeatException.invalid("title", "title required (1 to " + MAX_TITLE + " characters)");
        }
        if (req.seats() == null || req.seats() < 1 || req.seats() > MAX_SEATS) {
            throw SeatException.invalid("seats", "seats must be an integer from 1 to " + MAX_SEATS);
        }
        if (req.deadline() == null) {
            throw SeatException.invalid("deadline", "deadline required (ISO-8601 instant)");
        }
        long ttl = req.holdTtlMs() == null ? config.holdTtl().toMillis() : req.holdTtlMs();
        if (ttl < MIN_HOLD_TTL_MS || ttl > MAX_HOLD_TTL_MS) {
            throw SeatException.invalid("holdTtlMs", "holdTtlMs must be an integer from " + MIN_HOLD_TTL_MS + " to " + MAX_HOLD_TTL_MS);
        }
        List<String> seatLabels = req.seatLabels();
        if (seatLabels != null && !seatLabels.isEmpty()) {
            if (seatLabels.size() != req.seats()) {
                throw SeatException.invalid("seatLabels", "seatLabels must name every seat: " + req.seats() + " labels expected, got " + seatLabels.size());
            }
            Set<String> seen = new HashSet<>();
            for (String l : seatLabels) {
                if (l == null || l.isBlank() || l.codePointCount(0, l.length()) > MAX_LABEL || !seen.add(l)) {
                    throw SeatException.invalid("seatLabels", "seat labels must be unique and 1 to " + MAX_LABEL + " characters");
                }
            }
        }
        return now().chain(nowMs -> {
            Instant now = Instant.ofEpochMilli(nowMs);
            Instant opens = req.opensAt() == null ? now : req.opensAt();
            if (opens.isBefore(Horizon.earliest(now)) || opens.isAfter(Horizon.latest(now))) {
                throw SeatException.invalid("opensAt", "opensAt must be between " + Horizon.earliest(now) + " and " + Horizon.latest(now));
            }
            if (!req.deadline().isAfter(now)) {
                throw SeatException.invalid("deadline", "deadline is in the past");
            }
            if (req.deadline().isAfter(Horizon.latest(now))) {
                throw SeatException.invalid("deadline", "deadline must be at most " + Horizon.MAX_AHEAD.toDays() + " days ahead (" + Horizon.latest(now) + ")");
            }
            if (!req.deadline().isAfter(opens)) {
                throw SeatException.invalid("deadline", "deadline must be after opensAt");
            }
            Cohort c = new Cohort(newId(), owner, req.title(), req.seats(), opens, req.deadline(), null, false, (int) ttl, now, 0);
            // All or nothing: if seeding Redis or reading the new cohort back fails, the cohort is
            // removed again before the error is answered; the event goes out only on success.
            return repo.insertCohort(c, seatLabels)
                    .chain(() -> rebuild(c.id()).chain(() -> view(c.id()))
                            .onFailure().call(e -> discard(c.id(), e)))
                    .invoke(() -> events.publishQuietly(SeatEvent.timing("cohort-created", c.id().toString(), c.deadline().toEpochMilli(), null, nowMs)));
        });
    }

    /** Undoes a creation that failed after its row was written: the row (and its seats), Redis, caches. */
    private Uni<Void> discard(UUID id, Throwable why) {
        LOG.warnf("cohort %s could not be set up (%s); removing it", id, why.getMessage());
        live.remove(id);
        known.remove(id);
        labels.remove(id);
        List<String> cohortKeys = new ArrayList<>(scripts.cohortKeys(id.toString()));
        cohortKeys.add(keys.cohort(id.toString(), "log"));
        return repo.deleteCohort(id)
                .chain(() -> redis.execute("DEL", cohortKeys.toArray(String[]::new)))
                .onFailure().invoke(e -> LOG.errorf("cohort %s: the undo of its failed creation failed: %s", id, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<Cohort> cohort(UUID id) {
        return repo.findCohort(id).map(c -> c.orElseThrow(() -> SeatException.notFound("no cohort " + id)));
    }

    public Uni<CohortView> view(UUID id) {
        return me(id, null).map(MeView::cohort);
    }

    /** Title, owner, seat count and TTL never change: reads take them from memory. */
    private Uni<Cohort> staticPart(UUID id) {
        Cohort c = known.get(id);
        return c != null ? Uni.createFrom().item(c) : cohort(id).invoke(x -> known.put(id, x));
    }

    public Uni<MeView> me(UUID id, String user) {
        return staticPart(id).chain(c -> withMeta(id, Script.STATUS, List.of(user == null ? "" : user)).map(out -> {
            long nowMs = Long.parseLong(out.get(9));
            long deadline = Long.parseLong(out.get(6));
            long paused = Long.parseLong(out.get(7));
            boolean closed = "1".equals(out.get(8));
            int confirmed = Integer.parseInt(out.get(3));
            int held = Integer.parseInt(out.get(2));
            long opens = Long.parseLong(out.get(10));
            long remaining = Math.max(0, (paused > 0 ? paused : nowMs) < deadline ? deadline - (paused > 0 ? paused : nowMs) : 0);
            String state = closed || nowMs >= deadline ? "closed"
                    : paused > 0 ? "paused"
                    : nowMs < opens ? "upcoming"
                    : confirmed >= c.seats() ? "sold-out" : "open";
            CohortView v = new CohortView(id.toString(), c.ownerId(), c.title(), c.seats(), opens, deadline,
                    paused > 0 ? paused : null, closed, c.holdTtlMs(), state, Integer.parseInt(out.get(4)), held, confirmed,
                    Integer.parseInt(out.get(5)), remaining, nowMs);
            HoldView hold = null;
            Integer position = null;
            if (out.size() > 11 && "HOLD".equals(out.get(11))) {
                hold = new HoldView(out.get(12), id.toString(), user, Integer.parseInt(out.get(13)), null, out.get(15),
                        Long.parseLong(out.get(14)), nowMs);
            } else if (out.size() > 11 && "QUEUED".equals(out.get(11))) {
                position = Integer.parseInt(out.get(12));
            }
            return new MeView(v, hold, position);
        })).chain(m -> m.hold() == null ? Uni.createFrom().item(m)
                : label(id, m.hold().seat()).map(l -> new MeView(m.cohort(), withLabel(m.hold(), l), null)));
    }

    public Uni<SeatGrid> grid(UUID id) {
        return staticPart(id).chain(c -> seatLabels(id).chain(names -> withMeta(id, Script.GRID, List.of()).chain(out ->
                now().map(nowMs -> {
                    Map<Integer, String> state = new HashMap<>();
                    for (int i = 1; i + 1 < out.size(); i += 2) {
                        state.put(Integer.parseInt(out.get(i)), "confirmed".equals(out.get(i + 1)) ? "booked" : "held");
                    }
                    List<SeatCell> cells = new ArrayList<>(c.seats());
                    for (int s = 0; s < c.seats(); s++) {
                        cells.add(new SeatCell(s, names.get(s), state.getOrDefault(s, "free")));
                    }
                    return new SeatGrid(id.toString(), cells, nowMs);
                }))));
    }

    public record TimingChange(Instant deadline, Long extendByMs) {
    }

    /** Owner only: extend, pause, resume or close; PostgreSQL first, then the live quota. */
    public Uni<CohortView> timing(UUID id, String user, String action, TimingChange change) {
        return cohort(id).chain(c -> {
            if (!c.ownerId().equals(user)) {
                throw SeatException.forbidden("only the cohort's owner may change its countdown");
            }
            if (c.closed()) {
                throw SeatException.conflict("closed", "Cohort closed", "the cohort is closed");
            }
            return now().chain(nowMs -> {
                Instant now = Instant.ofEpochMilli(nowMs);
                Instant deadline = c.deadline();
                Instant paused = c.pausedAt();
                boolean closed = false;
                String event;
                switch (action) {
                    case "extend" -> {
                        if (change == null || (change.deadline() == null) == (change.extendByMs() == null)) {
                            throw SeatException.invalid(change != null && change.deadline() != null ? "extendByMs" : "deadline",
                                    "give exactly one of deadline or extendByMs");
                        }
                        if (change.extendByMs() != null && (change.extendByMs() < 1 || change.extendByMs() > Horizon.MAX_EXTEND_MS)) {
                            throw SeatException.invalid("extendByMs", "extendByMs must be an integer from 1 to " + Horizon.MAX_EXTEND_MS);
                        }
                        String field = change.deadline() != null ? "deadline" : "extendByMs";
                        Instant next = change.deadline() != null ? change.deadline() : deadline.plusMillis(change.extendByMs());
                        if (!next.isAfter(deadline)) {
                            throw SeatException.invalid(field, "a new deadline must be later than the current one (" + deadline + ")");
                        }
                        if (next.isAfter(Horizon.latest(now))) {
                            throw SeatException.invalid(field, "the new deadline must be at most " + Horizon.MAX_AHEAD.toDays()
                                    + " days ahead (" + Horizon.latest(now) + ")");
                        }
                        if (paused == null && !deadline.isAfter(now)) {
                            throw SeatException.conflict("deadline-passed", "Deadline passed", "the countdown already ended");
                        }
                        deadline = next;
                        event = "extended";
                    }
                    case "pause" -> {
                        if (paused != null) {
                            throw SeatException.conflict("paused", "Already paused", "the countdown is paused already");
                        }
                        if (!deadline.isAfter(now)) {
                            throw SeatException.conflict("deadline-passed", "Deadline passed", "the countdown already ended");
                        }
                        paused = now;
                        event = "paused";
                    }
                    case "resume" -> {
                        if (paused == null) {
                            throw SeatException.conflict("not-paused", "Not paused", "the countdown is running");
                        }
                        // The time spent paused is given back: the remaining time is what it was.
                        deadline = deadline.plus(Duration.between(paused, now));
                        paused = null;
                        event = "resumed";
                    }
                    case "close" -> {
                        closed = true;
                        event = "closed";
                    }
                    default -> throw SeatException.notFound("no action " + action);
                }
                Instant d = deadline;
                Instant p = paused;
                boolean cl = closed;
                long version = c.timingVersion();
                // All or nothing: PostgreSQL commits over the version this change was computed from
                // (a concurrent change is a 409); if Redis or the answer then fails, both are put
                // back before the error is answered. The event goes out only on success.
                return repo.updateTiming(id, version, version + 1, d, p, cl)
                        .chain(changed -> {
                            if (!changed) {
                                throw SeatException.conflict("concurrent-change", "Changed meanwhile",
                                        "the countdown was changed by another request; read it and try again");
                            }
                            return applyTiming(id, d, p, cl).chain(() -> view(id))
                                    .onFailure().call(e -> undoTiming(c, version + 1, e));
                        })
                        .invoke(() -> events.publishQuietly(SeatEvent.timing(event, id.toString(), d.toEpochMilli(),
                                p == null ? null : p.toEpochMilli(), nowMs)));
            });
        });
    }

    private Uni<Void> applyTiming(UUID id, Instant deadline, Instant paused, boolean closed) {
        return scripts.cohort(Script.TIMING, id.toString(), List.of(String.valueOf(deadline.toEpochMilli()),
                paused == null ? "0" : String.valueOf(paused.toEpochMilli()), closed ? "1" : "0")).replaceWithVoid();
    }

    /**
     * Puts a cohort's timing back to {@code before} after a change failed past its commit: in
     * PostgreSQL only if no other change came after it, and in Redis by dropping the live state so
     * the next operation rebuilds it from PostgreSQL (holds and seats are rebuilt; a waiting room
     * is lost, as after a Redis loss).
     */
    private Uni<Void> undoTiming(Cohort before, long failedVersion, Throwable why) {
        UUID id = before.id();
        LOG.warnf("cohort %s: timing change failed after its commit (%s); undoing it", id, why.getMessage());
        return repo.updateTiming(id, failedVersion, failedVersion + 1, before.deadline(), before.pausedAt(), before.closed())
                .chain(() -> redis.execute("DEL", keys.cohort(id.toString(), "meta")))
                .onFailure().invoke(e -> LOG.errorf("cohort %s: the undo of a failed timing change failed: %s", id, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    // ---------------------------------------------------------------- seats

    public Uni<HoldOutcome> hold(UUID cohortId, String user, Integer seat) {
        if (seat != null && seat < 0) {
            throw SeatException.invalid("seat", "seat must be a seat number from 0");
        }
        UUID id = newId();
        return withMeta(cohortId, Script.HOLD, List.of(user, id.toString(), seat == null ? "" : seat.toString()))
                .chain(out -> switch (out.get(0)) {
                    case "HELD" -> {
                        int s = Integer.parseInt(out.get(2));
                        long exp = Long.parseLong(out.get(3));
                        long nowMs = Long.parseLong(out.get(4));
                        yield persistHold(cohortId, id, user, s, nowMs, exp, true)
                                .chain(() -> label(cohortId, s))
                                .map(l -> {
                                    events.publishQuietly(SeatEvent.hold("held", cohortId.toString(), id.toString(), user, s, exp, nowMs));
                                    return new HoldOutcome("held", new HoldView(id.toString(), cohortId.toString(), user, s, l, "held", exp, nowMs),
                                            null, cohortId.toString(), nowMs);
                                });
                    }
                    case "QUEUED" -> Uni.createFrom().item(new HoldOutcome("queued", null, Integer.parseInt(out.get(1)),
                            cohortId.toString(), Long.parseLong(out.get(2))));
                    case "EXISTS" -> throw new SeatException(409, "already-holding", "Already holding",
                            "you already have a " + out.get(4) + " seat in this cohort",
                            Map.of("holdId", out.get(1), "seat", Integer.parseInt(out.get(2)), "holdState", out.get(4)));
                    case "SOLD_OUT" -> throw SeatException.conflict("sold-out", "Sold out", "every seat is confirmed");
                    case "CLOSED" -> throw SeatException.conflict("closed", "Cohort closed", "the deadline has passed or the cohort was closed");
                    case "PAUSED" -> throw SeatException.conflict("paused", "Countdown paused", "the owner paused the countdown; try again later");
                    case "NOT_OPEN" -> throw new SeatException(409, "not-open", "Not open yet", "the cohort opens at " + Instant.ofEpochMilli(Long.parseLong(out.get(1))),
                            Map.of("opensAtMs", Long.parseLong(out.get(1))));
                    case "NO_SUCH_SEAT" -> throw SeatException.badRequest("no such seat in this cohort");
                    case "SEAT_TAKEN" -> throw SeatException.conflict("seat-taken", "Seat taken", "that seat is held or booked");
                    default -> throw new IllegalStateException("hold script answered " + out);
                });
    }

    /**
     * Records a hold Redis granted. PostgreSQL may refuse it (unique seat / user among active
     * holds): when the row in the way is one Redis has already ended, PostgreSQL is brought up to
     * date and the insert retried once; otherwise Redis is undone and the client told to retry.
     */
    private Uni<Void> persistHold(UUID cohortId, UUID id, String user, int seat, long nowMs, long exp, boolean mayReconcile) {
        return repo.insertHold(id, cohortId, user, seat, Instant.ofEpochMilli(nowMs), Instant.ofEpochMilli(exp))
                .onFailure().recoverWithUni(e -> {
                    boolean unique = SeatRepository.sqlState(e).filter(SeatRepository.UNIQUE_VIOLATION::equals).isPresent();
                    Uni<Boolean> reconciled = unique && mayReconcile ? reconcile(cohortId, seat, user) : Uni.createFrom().item(false);
                    return reconciled.chain(ok -> ok
                            ? persistHold(cohortId, id, user, seat, nowMs, exp, false)
                            : undo(cohortId, id, user).chain(() -> Uni.createFrom().failure(unique
                                    ? SeatException.conflict("seat-conflict", "Seat conflict",
                                            "the system of record already has this seat or your hold; try again")
                                    : SeatException.unavailable("could not record the hold: " + e.getMessage()))));
                });
    }

    /** PostgreSQL has an active row Redis already ended (the update is in flight): apply it now. */
    private Uni<Boolean> reconcile(UUID cohortId, int seat, String user) {
        return repo.activeConflict(cohortId, seat, user).chain(row -> {
            if (row.isEmpty()) {
                return Uni.createFrom().item(true);
            }
            HoldRow r = row.get();
            return redis.execute("HGET", keys.cohort(cohortId.toString(), "holds"), r.id().toString()).chain(raw -> {
                String redisState = raw == null ? null : String.valueOf(Json.read(raw.toString(), RedisHold.class).st());
                if (!"released".equals(redisState) && !"expired".equals(redisState)) {
                    return Uni.createFrom().item(false);
                }
                return repo.end(List.of(r.id()), redisState, Instant.now()).chain(done -> done.isEmpty()
                        // Redis ended a seat PostgreSQL has confirmed: Redis is the stale one.
                        ? resync(cohortId, "hold " + r.id() + " is confirmed, Redis had it " + redisState).replaceWith(false)
                        : Uni.createFrom().item(true));
            });
        });
    }

    /** The Redis form of a hold: user, seat, expiry, created, state. */
    public record RedisHold(String u, int s, long e, long c, String st) {
    }

    /**
     * Releases in Redis a hold PostgreSQL refused. The release may admit the next user in the
     * waiting room, whose hold is recorded on its own, not awaited here: if that one is refused
     * too, its undo admits the next, and awaiting each other would nest one Uni per queued user —
     * when the last completed, the completions unwound through all of them on one stack (a
     * StackOverflowError after a Redis loss with a long queue).
     */
    private Uni<Void> undo(UUID cohortId, UUID id, String user) {
        return scripts.cohort(Script.RELEASE, cohortId.toString(), List.of(user, id.toString(), newId().toString()))
                .map(LuaScripts::strings)
                .invoke(out -> applyTransitions(cohortId, out, id).subscribe().with(
                        done -> { },
                        e -> LOG.warnf("transitions after the undo of hold %s failed: %s", id, e.getMessage())))
                .onFailure().invoke(e -> LOG.warnf("undo of hold %s failed: %s", id, e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<HoldView> confirm(UUID cohortId, UUID holdId, String user) {
        return withMeta(cohortId, Script.CONFIRM, List.of(user, holdId.toString()))
                .chain(out -> switch (out.get(0)) {
                    case "CONFIRMED" -> {
                        int s = Integer.parseInt(out.get(2));
                        long exp = Long.parseLong(out.get(3));
                        long nowMs = Long.parseLong(out.get(5));
                        boolean fresh = "new".equals(out.get(4));
                        yield recordConfirm(cohortId, holdId, user, nowMs, 0).chain(() -> label(cohortId, s)).map(l -> {
                            if (fresh) {
                                events.publishQuietly(SeatEvent.hold("confirmed", cohortId.toString(), holdId.toString(), user, s, exp, nowMs));
                                if (out.size() > 6 && Integer.parseInt(out.get(6)) > 0) {
                                    events.publishQuietly(SeatEvent.timing("sold-out", cohortId.toString(), 0, null, nowMs));
                                }
                            }
                            return new HoldView(holdId.toString(), cohortId.toString(), user, s, l, "confirmed", exp, nowMs);
                        });
                    }
                    case "NOT_YOURS" -> throw SeatException.forbidden("that hold belongs to someone else");
                    case "EXPIRED" -> throw SeatException.conflict("hold-expired", "Hold expired", "the hold expired at "
                            + Instant.ofEpochMilli(Long.parseLong(out.get(1))));
                    case "ENDED" -> throw SeatException.conflict("hold-ended", "Hold ended", "the hold was " + out.get(1));
                    case "NO_HOLD" -> fromRecord(holdId, user, cohortId).map(row -> {
                        if ("confirmed".equals(row.state())) {
                            return new HoldView(holdId.toString(), cohortId.toString(), user, row.seat(), null, "confirmed",
                                    row.expiresAt().toEpochMilli(), System.currentTimeMillis());
                        }
                        throw SeatException.conflict("hold-ended", "Hold ended", "the hold is " + row.state());
                    });
                    default -> throw new IllegalStateException("confirm script answered " + out);
                });
    }

    /** PostgreSQL view of a hold Redis does not know (any more). */
    private Uni<HoldRow> fromRecord(UUID holdId, String user, UUID cohortId) {
        return repo.hold(holdId).map(r -> {
            HoldRow row = r.filter(h -> h.cohortId().equals(cohortId))
                    .orElseThrow(() -> SeatException.notFound("no hold " + holdId + " in this cohort"));
            if (!row.userId().equals(user)) {
                throw SeatException.forbidden("that hold belongs to someone else");
            }
            return row;
        });
    }

    /** Redis confirmed; PostgreSQL must agree, or Redis is undone. */
    private Uni<Void> recordConfirm(UUID cohortId, UUID holdId, String user, long nowMs, int attempt) {
        return repo.confirm(holdId, user, Instant.ofEpochMilli(nowMs)).chain(n -> {
            if (n == 1) {
                return Uni.createFrom().voidItem();
            }
            return repo.hold(holdId).chain(row -> {
                String st = row.map(HoldRow::state).orElse("missing");
                if ("confirmed".equals(st)) {
                    return Uni.createFrom().voidItem();
                }
                if (("missing".equals(st) || "held".equals(st)) && attempt < 5) {
                    // An admitted hold whose row is still being written: wait for it.
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(50))
                            .chain(() -> recordConfirm(cohortId, holdId, user, nowMs, attempt + 1));
                }
                return undo(cohortId, holdId, user).chain(() -> Uni.createFrom().failure(
                        SeatException.conflict("hold-ended", "Hold ended", "the system of record has this hold as " + st)));
            });
        });
    }

    public Uni<HoldView> release(UUID cohortId, UUID holdId, String user) {
        UUID admit = newId();
        return withMeta(cohortId, Script.RELEASE, List.of(user, holdId.toString(), admit.toString()))
                .chain(out -> switch (out.get(0)) {
                    case "RELEASED" -> applyTransitions(cohortId, out, null).chain(() -> now()).map(nowMs ->
                            new HoldView(holdId.toString(), cohortId.toString(), user, Integer.parseInt(out.get(3)), null, "released", nowMs, nowMs));
                    case "RELEASED_BEFORE" -> now().map(nowMs -> new HoldView(holdId.toString(), cohortId.toString(), user,
                            Integer.parseInt(out.get(2)), null, "released", nowMs, nowMs));
                    case "NOT_YOURS" -> throw SeatException.forbidden("that hold belongs to someone else");
                    case "ENDED" -> throw SeatException.conflict("hold-ended", "Hold ended", "the hold was " + out.get(1));
                    case "NO_HOLD" -> fromRecord(holdId, user, cohortId).map(row -> {
                        throw SeatException.conflict("hold-ended", "Hold ended", "the hold is " + row.state());
                    });
                    default -> throw new IllegalStateException("release script answered " + out);
                });
    }

    public Uni<Boolean> leaveQueue(UUID cohortId, String user) {
        return withMeta(cohortId, Script.LEAVE, List.of(user)).map(out -> "1".equals(out.get(0)));
    }

    /** Queue positions (0 = not queued) of several users of one cohort, for live push. */
    public Uni<List<Integer>> positions(UUID cohortId, List<String> users) {
        if (users.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return scripts.cohort(Script.POSITIONS, cohortId.toString(), users)
                .map(r -> LuaScripts.strings(r).stream().map(Integer::parseInt).toList());
    }

    // ---------------------------------------------------------------- expiry

    /** One sweep of a cohort's expired holds; returns how many ended. */
    public Uni<Integer> sweep(UUID cohortId) {
        int batch = config.sweepBatch();
        List<String> args = new ArrayList<>(batch + 1);
        args.add(String.valueOf(batch));
        for (int i = 0; i < batch; i++) {
            args.add(newId().toString());
        }
        return scripts.cohort(Script.EXPIRE, cohortId.toString(), args).map(LuaScripts::strings).chain(out -> {
            if (!out.isEmpty() && "NOMETA".equals(out.get(0))) {
                return rebuild(cohortId).replaceWith(0);
            }
            return applyTransitions(cohortId, out, null).replaceWith(out.size() / 6);
        });
    }

    /** PostgreSQL-side sweep for holds Redis lost track of; ends them and tells subscribers. */
    public Uni<Integer> sweepRecord() {
        return repo.expireOverdue(config.dbSweepGrace().toMillis()).invoke(rows -> rows.forEach(r ->
                events.publishQuietly(SeatEvent.hold("expired", r.cohortId().toString(), r.id().toString(), r.userId(), r.seat(),
                        r.expiresAt().toEpochMilli(), System.currentTimeMillis())))).map(List::size);
    }

    public Uni<Void> refreshLive() {
        return repo.liveCohorts().invoke(ids -> {
            live.retainAll(ids);
            live.addAll(ids);
        }).replaceWithVoid();
    }

    /**
     * Applies what a script reported in groups of six: RELEASED/EXPIRED (id, user, seat, previous
     * state, now) are written to PostgreSQL; ADMITTED (id, user, seat, expiry, now) — a queued user
     * given the freed seat — is recorded like a hold.
     */
    private Uni<Void> applyTransitions(UUID cohortId, List<String> out, UUID silent) {
        Map<String, List<UUID>> ended = new LinkedHashMap<>();
        List<Uni<Void>> admissions = new ArrayList<>();
        List<SeatEvent> published = new ArrayList<>();
        for (int i = 0; i + 5 < out.size(); i += 6) {
            String type = out.get(i);
            UUID id = UUID.fromString(out.get(i + 1));
            String user = out.get(i + 2);
            int seat = Integer.parseInt(out.get(i + 3));
            long nowMs = Long.parseLong(out.get(i + 5));
            switch (type) {
                case "RELEASED", "EXPIRED" -> {
                    String state = type.toLowerCase();
                    ended.computeIfAbsent(state, k -> new ArrayList<>()).add(id);
                    if (!id.equals(silent)) {
                        published.add(SeatEvent.hold(state, cohortId.toString(), id.toString(), user, seat, null, nowMs));
                    }
                }
                case "ADMITTED" -> {
                    long exp = Long.parseLong(out.get(i + 4));
                    admissions.add(persistHold(cohortId, id, user, seat, nowMs, exp, true)
                            .invoke(() -> events.publishQuietly(SeatEvent.hold("admitted", cohortId.toString(), id.toString(), user, seat, exp, nowMs)))
                            .onFailure().invoke(e -> LOG.debugf("admission of %s not recorded: %s", user, e.getMessage()))
                            .onFailure().recoverWithNull().replaceWithVoid());
                }
                default -> LOG.warnf("unknown transition %s", type);
            }
        }
        Set<UUID> refused = ConcurrentHashMap.newKeySet();
        Uni<Void> writes = Uni.createFrom().voidItem();
        for (var e : ended.entrySet()) {
            writes = writes.chain(() -> repo.end(e.getValue(), e.getKey(), Instant.now()).chain(done -> {
                List<UUID> notEnded = e.getValue().stream().filter(id -> !done.contains(id)).toList();
                return notEnded.isEmpty() ? Uni.createFrom().voidItem() : repo.confirmedAmong(notEnded).chain(confirmed -> {
                    refused.addAll(confirmed);
                    // A seat confirmed while Redis was rebuilt from an older PostgreSQL state came back
                    // as held, and Redis has now expired it: PostgreSQL keeps the seat, Redis is resynced.
                    return confirmed.isEmpty() ? Uni.createFrom().voidItem()
                            : resync(cohortId, "Redis expired confirmed holds " + confirmed);
                });
            }));
        }
        return writes.invoke(() -> published.stream().filter(ev -> !refused.contains(UUID.fromString(ev.holdId())))
                        .forEach(events::publishQuietly))
                .chain(() -> admissions.isEmpty() ? Uni.createFrom().voidItem()
                        : Uni.join().all(admissions).andCollectFailures().replaceWithVoid());
    }

    // ---------------------------------------------------------------- Redis loss

    /**
     * Runs a cohort script; when Redis has lost the cohort (NOMETA) or part of it (TORN: a user
     * points at a hold record that is gone), rebuilds it from PostgreSQL and retries once.
     */
    private Uni<List<String>> withMeta(UUID cohortId, Script script, List<String> args) {
        return scripts.cohort(script, cohortId.toString(), args).map(LuaScripts::strings).chain(out -> {
            if (!lost(out)) {
                return Uni.createFrom().item(out);
            }
            Uni<Void> repair = "TORN".equals(out.get(0))
                    ? resync(cohortId, "hold " + out.get(1) + " is missing from Redis")
                    : rebuild(cohortId);
            return repair.chain(() -> scripts.cohort(script, cohortId.toString(), args)).map(LuaScripts::strings)
                    .map(again -> {
                        if (lost(again)) {
                            throw SeatException.unavailable("seat quota is being rebuilt; try again");
                        }
                        return again;
                    });
        });
    }

    private static boolean lost(List<String> out) {
        return !out.isEmpty() && ("NOMETA".equals(out.get(0)) || "TORN".equals(out.get(0)));
    }

    /**
     * Throws away the cohort's live state in Redis and seeds it again from PostgreSQL. The waiting
     * room and holds not yet recorded are lost, as after a Redis loss; the seats are not.
     */
    private Uni<Void> resync(UUID cohortId, String why) {
        LOG.warnf("cohort %s: %s; rebuilding it from PostgreSQL", cohortId, why);
        return redis.execute("DEL", keys.cohort(cohortId.toString(), "meta")).chain(() -> rebuild(cohortId));
    }

    /** Seeds Redis from PostgreSQL: seats, timing, every active hold. A no-op when Redis has it. */
    public Uni<Void> rebuild(UUID cohortId) {
        return rebuilding.computeIfAbsent(cohortId, id -> Uni.createFrom().deferred(() -> doRebuild(id))
                .eventually(() -> {
                    rebuilding.remove(id);
                })
                .memoize().indefinitely());
    }

    private Uni<Void> doRebuild(UUID cohortId) {
        return cohort(cohortId).chain(c -> repo.activeHolds(cohortId).chain(holds -> {
            List<Map<String, Object>> active = new ArrayList<>(holds.size());
            for (HoldRow h : holds) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", h.id().toString());
                m.put("u", h.userId());
                m.put("s", h.seat());
                m.put("e", h.expiresAt().toEpochMilli());
                m.put("c", h.createdAt().toEpochMilli());
                m.put("st", h.state());
                active.add(m);
            }
            live.add(cohortId);
            return scripts.cohort(Script.REBUILD, cohortId.toString(), List.of(String.valueOf(c.seats()),
                    String.valueOf(c.opensAt().toEpochMilli()), String.valueOf(c.deadline().toEpochMilli()),
                    c.pausedAt() == null ? "0" : String.valueOf(c.pausedAt().toEpochMilli()), c.closed() ? "1" : "0",
                    String.valueOf(c.holdTtlMs()), Json.write(active)))
                    .invoke(r -> {
                        if ("REBUILT".equals(r.toString())) {
                            LOG.infof("cohort %s rebuilt from PostgreSQL (%d active holds)", cohortId, active.size());
                        }
                    })
                    .replaceWithVoid();
        }));
    }

    // ---------------------------------------------------------------- labels

    private Uni<List<String>> seatLabels(UUID cohortId) {
        List<String> cached = labels.get(cohortId);
        if (cached != null) {
            return Uni.createFrom().item(cached);
        }
        return repo.seatLabels(cohortId).invoke(l -> labels.put(cohortId, l));
    }

    private Uni<String> label(UUID cohortId, int seat) {
        return seatLabels(cohortId).map(l -> seat < l.size() ? l.get(seat) : null);
    }

    private static HoldView withLabel(HoldView h, String label) {
        return new HoldView(h.holdId(), h.cohortId(), h.userId(), h.seat(), label, h.state(), h.expiresAtMs(), h.serverTimeMs());
    }

    static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
