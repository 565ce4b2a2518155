package dev.parley.metrics.service;

import dev.parley.metrics.collector.ConsumerLagCollector;
import dev.parley.metrics.collector.TraceStore;
import dev.parley.metrics.repository.StatementReport;
import dev.parley.metrics.repository.StatementStatsRepository;
import dev.parley.metrics.slo.AlertState;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Assembles dashboard frames from what the collectors already hold (no I/O per frame). The slowest
 * statements are refreshed in the background at most every 10 s, whatever the number of viewers.
 */
@Singleton
public class DashboardService {

    private static final long STATEMENTS_REFRESH_MS = 10_000;

    private final FleetMonitor fleet;
    private final SloService slos;
    private final ConsumerLagCollector lag;
    private final StatementStatsRepository statements;
    private final Clock clock;
    private final TraceStore traces;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile StatementReport lastStatements = StatementReport.notAvailable("not read yet");
    private volatile long statementsAt;

    public DashboardService(FleetMonitor fleet, SloService slos, ConsumerLagCollector lag,
                            StatementStatsRepository statements, Clock clock, TraceStore traces) {
        this.traces = traces;
        this.fleet = fleet;
        this.slos = slos;
        this.lag = lag;
        this.statements = statements;
        this.clock = clock;
    }

    public DashboardFrame frame() {
        long now = clock.millis();
        if (now - statementsAt > STATEMENTS_REFRESH_MS && refreshing.compareAndSet(false, true)) {
            statements.slowest(10).subscribe().with(
                    report -> {
                        lastStatements = report;
                        statementsAt = clock.millis();
                        refreshing.set(false);
                    },
                    failure -> refreshing.set(false));
        }
        var latest = slos.latest();
        return new DashboardFrame(now, fleet.views(), latest,
                latest.stream().filter(s -> s.state() == AlertState.P1 || s.state() == AlertState.P2).toList(),
                lag.last(), lastStatements, traces.latest());
    }
}
