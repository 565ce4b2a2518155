package dev.parley.system;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One fault at load: a steady {@link ChatLoad} through the gateway, the fault injected in the
 * middle, the load stopped, every client settled (acks, then a sync of every conversation), the
 * history checked against PostgreSQL, and the figures appended to the report.
 */
final class ChaosRun {

    /** Size and length of a run; {@code before}/{@code after}: load before the fault and after it was injected. */
    record Shape(int users, int devicesPerUser, int perSecond, Duration before, Duration after) {
    }

    /** Send→first delivery above this counts as slowed by the fault (the machine is shared: generous). */
    static final long SLOW_MS = 2_000;
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private ChaosRun() {
    }

    static HistoryChecker.Verdict run(ChaosFleet fleet, String fault, Shape shape, String reportFile, Runnable inject) throws Exception {
        fleet.awaitPipeline();
        long faultNanos;
        boolean settled;
        HistoryChecker.Verdict verdict;
        try (ChatLoad load = fleet.load(shape.users(), shape.devicesPerUser())) {
            load.startSending(shape.perSecond());
            ChaosFleet.sleep(shape.before().toMillis());
            faultNanos = System.nanoTime();
            inject.run();
            long injectedNanos = System.nanoTime();
            long rest = shape.after().toMillis() - (injectedNanos - faultNanos) / 1_000_000;
            ChaosFleet.sleep(Math.max(5_000, rest));
            settled = load.awaitAcks(SETTLE);
            List<HistoryChecker.Row> rows = awaitStored(fleet, load.history);
            settled &= load.syncAll(SETTLE);
            verdict = HistoryChecker.check(load.history, rows, faultNanos, SLOW_MS);
        }
        ChaosFleet.report(reportFile, verdict.line(fault) + (settled ? "" : " (clients not settled within " + SETTLE + ")"));
        return verdict;
    }

    /** The stored rows, once PostgreSQL holds every acked id or {@link #SETTLE} passed (persistence may lag). */
    static List<HistoryChecker.Row> awaitStored(ChaosFleet fleet, ChatHistory history) throws Exception {
        Set<String> convs = history.recipients.keySet();
        Set<String> acked = history.acks.values().stream().map(ChatHistory.Ack::id).collect(Collectors.toSet());
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            List<HistoryChecker.Row> rows;
            try (Connection db = fleet.chat.db()) {
                rows = HistoryChecker.rows(db, convs);
            }
            Set<String> stored = rows.stream().map(HistoryChecker.Row::id).collect(Collectors.toSet());
            if (stored.containsAll(acked) || System.nanoTime() > deadline) {
                return rows;
            }
            ChaosFleet.sleep(500);
        }
    }
}
