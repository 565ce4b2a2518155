package dev.parley.seat.ws;

import dev.parley.contracts.json.Json;
import dev.parley.seat.config.SeatConfig;
import dev.parley.seat.messaging.SeatEventPublisher;
import dev.parley.seat.service.SeatException;
import dev.parley.seat.service.SeatService;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Live push for WebSocket and SSE alike. Events reach this replica through the Redis pub/sub
 * channel every replica subscribes to (one dedicated connection), whichever replica produced them;
 * each is handed to the local subscribers of its cohort. A subscriber that resumes gets the missed
 * events from the cohort's log first, or a "resync" frame when the log no longer holds the whole
 * gap (never a partial gap). Every tick each subscriber gets a status snapshot with the server time
 * (countdown) and, when it waits in the queue, its position.
 */
@Singleton
public class LiveHub {

    private static final Logger LOG = Logger.getLogger(LiveHub.class);

    /** One subscriber: a WebSocket connection or an SSE response. */
    private static final class Sub {
        final UUID cohort;
        final String user;
        final MultiEmitter<? super LiveFrame> out;
        /** Live events that arrived while the backlog was being read; null once caught up. */
        List<LiveFrame> pending = new ArrayList<>();
        String lastId;

        Sub(UUID cohort, String user, MultiEmitter<? super LiveFrame> out, String lastId) {
            this.cohort = cohort;
            this.user = user;
            this.out = out;
            this.lastId = lastId;
        }

        synchronized void live(LiveFrame f) {
            if (pending != null) {
                pending.add(f);
            } else if (newer(f.id(), lastId)) {
                lastId = f.id();
                out.emit(f);
            }
        }

        synchronized void caughtUp() {
            List<LiveFrame> p = pending;
            pending = null;
            p.forEach(this::live);
        }
    }

    private final ReactiveRedisDataSource redis;
    private final SeatEventPublisher events;
    private final SeatService seats;
    private final SeatConfig config;
    private final Vertx vertx;
    private final Map<UUID, Set<Sub>> subs = new ConcurrentHashMap<>();
    private Cancellable subscription;
    private long ticker = -1;

    public LiveHub(ReactiveRedisDataSource redis, SeatEventPublisher events, SeatService seats, SeatConfig config, Vertx vertx) {
        this.redis = redis;
        this.events = events;
        this.seats = seats;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ev) {
        subscription = redis.pubsub(String.class).subscribe(events.channel())
                .subscribe().with(this::onMessage, e -> LOG.error("live channel failed", e));
        ticker = vertx.setPeriodic(config.live().tickInterval().toMillis(), id -> tick());
    }

    void stop(@Observes ShutdownEvent ev) {
        vertx.cancelTimer(ticker);
        if (subscription != null) {
            subscription.cancel();
        }
    }

    public int subscribers() {
        return subs.values().stream().mapToInt(Set::size).sum();
    }

    private void onMessage(String message) {
        String[] parts = message.split("\n", 3);
        if (parts.length != 3) {
            return;
        }
        UUID cohort;
        try {
            cohort = UUID.fromString(parts[0]);
        } catch (IllegalArgumentException e) {
            return;
        }
        Set<Sub> local = subs.get(cohort);
        if (local == null || local.isEmpty()) {
            return;
        }
        LiveFrame f = new LiveFrame(parts[1], eventType(parts[2]), parts[2]);
        local.forEach(s -> s.live(f));
    }

    private static String eventType(String json) {
        try {
            return Json.mapper().readTree(json).path("type").asText("event");
        } catch (Exception e) {
            return "event";
        }
    }

    /** Frames for one subscriber: backlog after {@code lastEventId} (or resync), then live frames. */
    public Multi<LiveFrame> stream(UUID cohort, String user, String lastEventId) {
        return Multi.createFrom().<LiveFrame>emitter(em -> {
                    Sub sub = new Sub(cohort, user, em, lastEventId);
                    subs.computeIfAbsent(cohort, k -> ConcurrentHashMap.newKeySet()).add(sub);
                    em.onTermination(() -> {
                        Set<Sub> set = subs.get(cohort);
                        if (set != null) {
                            set.remove(sub);
                        }
                    });
                    seats.view(cohort)
                            .invoke(v -> em.emit(new LiveFrame(null, "status", Json.write(v))))
                            .chain(v -> backlog(cohort, lastEventId))
                            .subscribe().with(frames -> {
                                synchronized (sub) {
                                    for (LiveFrame f : frames) {
                                        if (f.id() != null) {
                                            sub.lastId = f.id();
                                        }
                                        em.emit(f);
                                    }
                                }
                                sub.caughtUp();
                            }, e -> {
                                if (e instanceof SeatException se) {
                                    em.emit(new LiveFrame(null, "error", dev.parley.seat.service.Problems.body(se)));
                                    em.complete();
                                } else {
                                    em.fail(e);
                                }
                            });
                })
                // A subscriber that cannot keep up is cut off; it reconnects with its last id.
                .onOverflow().buffer(config.live().connectionBuffer())
                .emitOn(Infrastructure.getDefaultExecutor());
    }

    /** The events after {@code lastId}, or one resync frame when some of them are gone. */
    private Uni<List<LiveFrame>> backlog(UUID cohort, String lastId) {
        if (lastId == null || lastId.isBlank()) {
            return Uni.createFrom().item(List.of());
        }
        if (!lastId.matches("\\d{1,20}-\\d{1,20}")) {
            return Uni.createFrom().item(List.of(new LiveFrame(null, "resync", "{\"reason\":\"unknown event id\"}")));
        }
        String key = events.logKey(cohort.toString());
        return redis.execute("XINFO", "STREAM", key).onFailure().recoverWithNull().chain(info -> {
            if (info == null) {
                return Uni.createFrom().item(List.of(new LiveFrame(null, "resync", "{\"reason\":\"event log lost\"}")));
            }
            String maxDeleted = info.get("max-deleted-entry-id") == null ? "0-0" : info.get("max-deleted-entry-id").toString();
            if (!newer(lastId, maxDeleted) && !"0-0".equals(maxDeleted)) {
                return Uni.createFrom().item(List.of(new LiveFrame(null, "resync", "{\"reason\":\"gap older than the event log\"}")));
            }
            return redis.execute("XRANGE", key, "(" + lastId, "+").map(LiveHub::frames);
        });
    }

    private static List<LiveFrame> frames(Response r) {
        List<LiveFrame> out = new ArrayList<>();
        for (Response entry : r) {
            String id = entry.get(0).toString();
            Response fields = entry.get(1);
            String json = fields.get(1).toString();
            out.add(new LiveFrame(id, eventType(json), json));
        }
        return out;
    }

    /** Stream ids "ms-seq": is a newer than b? */
    static boolean newer(String a, String b) {
        if (a == null) {
            return false;
        }
        if (b == null) {
            return true;
        }
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c > 0 || (c == 0 && Long.parseLong(x[1]) > Long.parseLong(y[1]));
    }

    /** Status (countdown against server time) to every subscriber, positions to queued ones. */
    private void tick() {
        subs.forEach((cohort, set) -> {
            if (set.isEmpty()) {
                subs.remove(cohort, set);
                return;
            }
            List<Sub> withUser = set.stream().filter(s -> s.user != null).toList();
            seats.view(cohort).subscribe().with(v -> {
                LiveFrame status = new LiveFrame(null, "status", Json.write(v));
                set.forEach(s -> s.out.emit(status));
            }, e -> LOG.debugf("status of %s: %s", cohort, e.getMessage()));
            if (!withUser.isEmpty()) {
                seats.positions(cohort, withUser.stream().map(s -> s.user).toList()).subscribe().with(pos -> {
                    for (int i = 0; i < pos.size(); i++) {
                        withUser.get(i).out.emit(new LiveFrame(null, "position", "{\"position\":" + pos.get(i) + "}"));
                    }
                }, e -> LOG.debugf("positions of %s: %s", cohort, e.getMessage()));
            }
        });
    }
}
