package dev.parley.seat.service;

import dev.parley.seat.config.SeatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Ends holds on time: every {@code sweep-interval} each live cohort's sorted set of expiry times
 * is read up to "now" by the expire script (not keyspace notifications, which are not a timer).
 * A slower second loop expires in PostgreSQL what Redis lost, and refreshes the cohort list.
 * Every replica sweeps; the script is atomic, so a hold ends once.
 */
@Singleton
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final SeatService seats;
    private final SeatConfig config;
    private final Vertx vertx;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicBoolean dbSweeping = new AtomicBoolean();
    private long timer = -1;
    private long dbTimer = -1;

    public Sweeper(SeatService seats, SeatConfig config, Vertx vertx) {
        this.seats = seats;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent ev) {
        timer = vertx.setPeriodic(config.sweepInterval().toMillis(), id -> sweepOnce());
        dbTimer = vertx.setPeriodic(config.dbSweepInterval().toMillis(), id -> dbSweepOnce());
        dbSweepOnce();
    }

    void stop(@Observes ShutdownEvent ev) {
        vertx.cancelTimer(timer);
        vertx.cancelTimer(dbTimer);
    }

    /** Skips a tick while the previous one still runs: never a pile of sweeps. */
    void sweepOnce() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        Multi.createFrom().iterable(java.util.List.copyOf(seats.liveCohorts()))
                .onItem().transformToUniAndConcatenate(id -> seats.sweep(id)
                        .onFailure().invoke(e -> LOG.warnf("sweep of %s failed: %s", id, e.getMessage()))
                        .onFailure().recoverWithItem(0))
                .collect().asList()
                .eventually(() -> sweeping.set(false))
                .subscribe().with(x -> { }, e -> LOG.warn("sweep failed", e));
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
