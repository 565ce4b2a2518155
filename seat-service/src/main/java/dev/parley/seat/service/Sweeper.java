package dev.parley.seat.service;

import dev.parley.seat.config.SeatConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Ends holds on time: every {@code sweep-interval} each live cohort's sorted set of expiry times
 * is read up to "now" by the expire script (not keyspace notifications, which are not a timer).
 * A slower second loop expires in PostgreSQL what Redis lost, and refreshes the cohort list.
 * Every replica sweeps; the script is atomic, so a hold ends once.
 *
 * <p>A cohort that cannot be swept (its state in Redis or PostgreSQL is unusable, or its rebuild
 * fails) is skipped for {@code sweep-skip} instead of being retried every tick: it is logged once,
 * counted in {@code parley.seat.sweep.skipped}, and tried again after the pause.
 */
@Singleton
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final SeatService seats;
    private final SeatConfig config;
    private final Vertx vertx;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicBoolean dbSweeping = new AtomicBoolean();
    /** Cohorts that failed a sweep: when they may be tried again (epoch ms). */
    private final Map<UUID, Long> skipped = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Counter skips;
    private final Gauge skippedGauge;
    private long timer = -1;
    private long dbTimer = -1;

    public Sweeper(SeatService seats, SeatConfig config, Vertx vertx, MeterRegistry registry) {
        this.seats = seats;
        this.config = config;
        this.vertx = vertx;
        this.skips = Counter.builder("parley.seat.sweep.skipped")
                .description("Sweeps of a cohort that failed; the cohort is skipped for parley.seat.sweep-skip")
                .register(registry);
        this.skippedGauge = Gauge.builder("parley.seat.sweep.skipped.cohorts", skipped, Map::size)
                .description("Cohorts the sweeper skips right now")
                .register(registry);
        this.registry = registry;
    }

    void start(@Observes StartupEvent ev) {
        timer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> sweepOnce());
        dbTimer = vertx.setPeriodic(config.dbSweepInterval().toMillis(), id -> dbSweepOnce());
        dbSweepOnce();
    }

    /**
     * The meters go with this instance: the injected registry (Micrometer's global composite) can
     * outlive it — in tests every Quarkus restart in the JVM shares it — and registering an id
     * that is still there returns the old meter, so a later Sweeper would count into the meters of
     * a stopped one and its gauge would read the stopped one's map.
     */
    void stop(@Observes ShutdownEvent ev) {
        vertx.cancelTimer(timer);
        vertx.cancelTimer(dbTimer);
        registry.remove(skips);
        registry.remove(skippedGauge);
    }

    /** Skips a tick while the previous one still runs: never a pile of sweeps. */
    void sweepOnce() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        long now = System.currentTimeMillis();
        Multi.createFrom().iterable(java.util.List.copyOf(seats.liveCohorts()))
                .filter(id -> skipped.getOrDefault(id, 0L) <= now)
                .onItem().transformToUniAndConcatenate(id -> seats.sweep(id)
                        .invoke(n -> {
                            if (skipped.remove(id) != null) {
                                LOG.infof("cohort %s is swept again", id);
                            }
                        })
                        .onFailure().invoke(e -> skip(id, e))
                        .onFailure().recoverWithItem(0))
                .collect().asList()
                .eventually(() -> sweeping.set(false))
                .subscribe().with(x -> { }, e -> LOG.warn("sweep failed", e));
    }

    private void skip(UUID id, Throwable e) {
        skips.increment();
        Long before = skipped.put(id, System.currentTimeMillis() + config.sweepSkip().toMillis());
        if (before == null) {
            LOG.warnf("cohort %s cannot be swept (%s: %s); skipping it, next try in %s", id,
                    e.getClass().getSimpleName(), e.getMessage(), config.sweepSkip());
        }
    }

    void dbSweepOnce() {
        if (!dbSweeping.compareAndSet(false, true)) {
            return;
        }
        seats.refreshLive().chain(seats::sweepRecord)
                .eventually(() -> dbSweeping.set(false))
                .subscribe().with(n -> {
                    if (n > 0) {
                        LOG.infof("expired %d holds in PostgreSQL that Redis had lost", n);
                    }
                }, e -> LOG.warnf("record sweep failed: %s", e.getMessage()));
    }
}
