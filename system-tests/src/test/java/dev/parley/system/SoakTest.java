package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code make soak} (docs/reliability.md): the chaos fleet at a steady load for -Dsoak.minutes
 * (30), sampling every -Dsoak.sample.seconds (30) each service's heap after a full GC, its RSS and
 * open sockets, the consumer groups' Kafka lag and the send→delivered p99 of the interval. The
 * first fifth of the samples is warm-up (class loading, pools, JIT) and not fitted; over the rest
 * the least-squares slope of each series, times the measured span, is the growth, which must stay
 * under its bound. Then the history is checked like a chaos run's (nothing lost or twice).
 * Figures: target/chaos/soak.txt.
 */
@Tag("soak")
class SoakTest {

    private static final double MINUTES = Double.parseDouble(System.getProperty("soak.minutes", "30"));
    private static final int SAMPLE_SECONDS = Integer.getInteger("soak.sample.seconds", 30);
    private static final int RATE = Integer.getInteger("soak.rate", 30);
    private static final int USERS = Integer.getInteger("soak.users", 24);
    private static final String REPORT = "soak.txt";

    /** Growth bounds over the fitted span: the larger of an absolute amount and a share of the series' mean. */
    private static final Map<String, double[]> BOUNDS = Map.of(
            "heap-after-gc MiB", new double[] {16, 0.20},
            "rss MiB", new double[] {64, 0.25},
            "sockets", new double[] {10, 0.25},
            "kafka lag", new double[] {500, 0},
            "p99 ms", new double[] {500, 1.0});

    @Test
    void aSteadyLoadGrowsNothing() throws Exception {
        Files.deleteIfExists(ChaosFleet.REPORTS.resolve(REPORT));
        Map<String, List<double[]>> series = new LinkedHashMap<>(); // name → {minute, value}
        HistoryChecker.Verdict verdict;
        try (ChaosFleet fleet = new ChaosFleet(); ChatLoad load = fleet.load(USERS, 2)) {
            load.startSending(RATE);
            long start = System.nanoTime();
            long end = start + (long) (MINUTES * 60e9);
            long lastSample = start;
            for (int n = 0; System.nanoTime() < end; n++) {
                ChaosFleet.sleep(Math.max(0, lastSample + SAMPLE_SECONDS * 1_000_000_000L - System.nanoTime()) / 1_000_000);
                long now = System.nanoTime();
                double minute = (now - start) / 60e9;
                for (ServiceProcess s : fleet.chat.services()) {
                    String name = s.module() + ":" + s.port();
                    add(series, name + " heap-after-gc MiB", minute, s.heapUsedAfterGcMiB());
                    add(series, name + " rss MiB", minute, s.rssMiB());
                    add(series, name + " sockets", minute, s.openSockets());
                }
                add(series, "delivery kafka lag", minute, lag(fleet, "delivery"));
                add(series, "persistence kafka lag", minute, lag(fleet, "persistence"));
                add(series, "send→delivered p99 ms", minute, p99(load.history, lastSample, now));
                lastSample = now;
            }
            load.awaitAcks(Duration.ofSeconds(120));
            List<HistoryChecker.Row> rows = ChaosRun.awaitStored(fleet, load.history);
            load.syncAll(Duration.ofSeconds(120));
            verdict = HistoryChecker.check(load.history, rows, start, 2_000);
        }
        List<String> failures = new ArrayList<>();
        ChaosFleet.report(REPORT, String.format("soak: %.1f min at %d sends/s, %d users × 2 devices, a sample every %d s; "
                + "slope by least squares over the samples after the first fifth", MINUTES, RATE, USERS, SAMPLE_SECONDS));
        for (var e : series.entrySet()) {
            List<double[]> points = e.getValue().subList(e.getValue().size() / 5, e.getValue().size());
            double slope = slope(points);
            double span = points.isEmpty() ? 0 : points.get(points.size() - 1)[0] - points.get(0)[0];
            double mean = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
            double[] bound = BOUNDS.entrySet().stream().filter(b -> e.getKey().endsWith(b.getKey())).findFirst().orElseThrow().getValue();
            double allowed = Math.max(bound[0], bound[1] * mean);
            double growth = slope * span;
            boolean ok = growth <= allowed;
            String line = String.format("%-48s first=%.0f last=%.0f mean=%.1f slope=%+.2f/min growth=%+.1f bound=%.1f %s", e.getKey(),
                    e.getValue().get(0)[1], e.getValue().get(e.getValue().size() - 1)[1], mean, slope, growth, allowed, ok ? "ok" : "GROWS");
            ChaosFleet.report(REPORT, line);
            if (!ok) {
                failures.add(line);
            }
        }
        ChaosFleet.report(REPORT, verdict.line("soak history"));
        assertTrue(verdict.holds(), verdict.line("soak history"));
        assertTrue(failures.isEmpty(), "growth beyond its bound:\n" + String.join("\n", failures));
    }

    private static void add(Map<String, List<double[]>> series, String name, double minute, double value) {
        if (value >= 0) {
            series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {minute, value});
        }
    }

    /** Least-squares slope of value over minute. */
    static double slope(List<double[]> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0, den = 0;
        for (double[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    /** Records of the group's committed partitions not consumed yet. */
    private static long lag(ChaosFleet fleet, String group) {
        try (Admin admin = fleet.chat.kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            var ends = admin.listOffsets(committed.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get(15, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> e.getValue() != null)
                    .mapToLong(e -> Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset())).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** p99 of send→delivered of the live deliveries between two instants, in ms (0 when none). */
    private static long p99(ChatHistory history, long from, long to) {
        List<Long> latencies = history.receipts.stream().filter(r -> !r.bySync() && r.nanos() > from && r.nanos() <= to)
                .filter(r -> history.sent.containsKey(r.cmid()))
                .map(r -> (r.nanos() - history.sent.get(r.cmid()).nanos()) / 1_000_000).sorted().toList();
        return latencies.isEmpty() ? 0 : latencies.get(Math.min(latencies.size() - 1, (int) Math.ceil(0.99 * latencies.size()) - 1));
    }
}
