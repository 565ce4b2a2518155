package dev.parley.metrics.service;

import dev.parley.metrics.collector.Ring;
import dev.parley.metrics.collector.ServiceSample;
import dev.parley.metrics.collector.TargetSource;
import dev.parley.metrics.config.ScrapeConfig;
import dev.parley.metrics.slo.SliKind;
import dev.parley.metrics.slo.SloObjective;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The fleet as observed: a bounded ring of samples per service (config {@code parley.scrape.history}),
 * from which RED figures are computed over the RED window, plus a bounded chart series. Each new
 * sample also feeds the counter increases since the previous one to the service's SLO engines.
 */
@Singleton
public class FleetMonitor {

    private final ScrapeConfig config;
    private final SloService slos;
    private final FaultInjector faults;
    private final StatusClassifier classifier;
    /** By service name, sorted; services discovered later (Kubernetes) are added as they appear. */
    private final Map<String, Track> tracks = new ConcurrentSkipListMap<>();

    public FleetMonitor(ScrapeConfig config, SloService slos, FaultInjector faults, StatusClassifier classifier, TargetSource targets) {
        this.config = config;
        this.slos = slos;
        this.faults = faults;
        this.classifier = classifier;
        Map<String, String> where = new LinkedHashMap<>();
        targets.targets().forEach(t -> where.merge(t.service(), t.baseUrl(), (a, b) -> a));
        targets.expectedServices().forEach(s -> tracks.put(s, new Track(where.getOrDefault(s, "not discovered yet"), config.history())));
    }

    /** Starts tracking a service (no-op when it is tracked) and records where it was found. */
    public void locate(String service, String target) {
        tracks.computeIfAbsent(service, s -> new Track(target, config.history())).target = target;
    }

    public Map<String, String> targets() {
        Map<String, String> out = new LinkedHashMap<>();
        tracks.forEach((service, t) -> out.put(service, t.target));
        return out;
    }

    public boolean knows(String service) {
        return tracks.containsKey(service);
    }

    /** Records a successful scrape. */
    public void ingest(String service, ServiceSample observed) {
        Track track = tracks.get(service);
        if (track == null) {
            return;
        }
        ServiceSample sample = faults.apply(service, observed);
        ServiceSample previous;
        synchronized (track) {
            previous = track.samples.newest();
            if (previous != null && sample.epochMillis() <= previous.epochMillis()) {
                return; // out of order: keep the series monotonic
            }
            track.samples.add(sample);
            track.reachable = true;
            track.lastError = null;
            track.lastAttempt = sample.epochMillis();
        }
        if (previous != null) {
            feedSlos(service, previous, sample);
        }
        ServiceView view = view(service);
        track.chart.add(new ChartPoint(sample.epochMillis(), view.requestsPerSecond(), view.errorRatio(),
                view.p99Ms(), view.cpu(), view.heapUsedBytes()));
    }

    /** Records a failed scrape; the service shows as unreachable until the next success. */
    public void failed(String service, long epochMillis, String error) {
        Track track = tracks.get(service);
        if (track != null) {
            synchronized (track) {
                track.reachable = false;
                track.lastError = error;
                track.lastAttempt = epochMillis;
            }
        }
    }

    private void feedSlos(String service, ServiceSample before, ServiceSample after) {
        Instant at = Instant.ofEpochMilli(after.epochMillis());
        double total = Red.increase(before.requests(), after.requests());
        boolean reset = Red.reset(before, after);
        for (SloObjective objective : slos.objectivesOf(service)) {
            double bad;
            if (objective.kind() == SliKind.AVAILABILITY) {
                bad = reset ? after.errors() : Red.increase(before.errors(), after.errors());
            } else {
                double threshold = objective.latencyThresholdMs().getAsLong() / 1000.0;
                double goodNow = after.countWithin(threshold);
                double good = reset ? goodNow : Math.max(0, goodNow - before.countWithin(threshold));
                bad = total - good;
            }
            slos.record(objective.name(), at, Math.max(0, Math.min(bad, total)), total);
        }
    }

    public List<ServiceView> views() {
        List<ServiceView> out = new ArrayList<>();
        for (String service : tracks.keySet()) {
            out.add(view(service));
        }
        return out;
    }

    public Optional<ServiceView> find(String service) {
        return tracks.containsKey(service) ? Optional.of(view(service)) : Optional.empty();
    }

    public List<ChartPoint> chart(String service) {
        Track t = tracks.get(service);
        return t == null ? List.of() : t.chart.toList();
    }

    private ServiceView view(String service) {
        Track track = tracks.get(service);
        ServiceSample newest;
        ServiceSample base;
        boolean reachable;
        String lastError;
        Long lastAttempt;
        synchronized (track) {
            newest = track.samples.newest();
            long from = newest == null ? 0 : newest.epochMillis() - config.redWindow().toMillis();
            base = newest == null ? null : track.samples.oldestMatching(s -> s.epochMillis() >= from);
            reachable = track.reachable;
            lastError = track.lastError;
            lastAttempt = track.lastAttempt;
        }
        Double window = null;
        Double rps = null;
        Double errorRatio = null;
        Double p50 = null;
        Double p95 = null;
        Double p99 = null;
        Double workRate = null;
        Double workFailureRatio = null;
        if (newest != null && base != null && base != newest) {
            window = (newest.epochMillis() - base.epochMillis()) / 1000.0;
            double requests = Red.increase(base.requests(), newest.requests());
            double errors = Red.reset(base, newest) ? newest.errors() : Red.increase(base.errors(), newest.errors());
            rps = requests / window;
            double work = Red.increase(base.work(), newest.work());
            double failures = Red.reset(base, newest) ? newest.workFailures() : Red.increase(base.workFailures(), newest.workFailures());
            workRate = work / window;
            workFailureRatio = work > 0 ? Math.min(1, failures / work) : null;
            if (requests > 0) {
                errorRatio = Math.min(1, errors / requests);
                NavigableMap<Double, Double> buckets = Red.bucketIncrease(base, newest);
                p50 = ms(Red.quantile(0.50, buckets));
                p95 = ms(Red.quantile(0.95, buckets));
                p99 = ms(Red.quantile(0.99, buckets));
            }
        }
        Double cpu = newest == null || Double.isNaN(newest.cpu()) ? null : newest.cpu();
        Double heapUsed = newest == null ? null : newest.heapUsed();
        Double heapMax = newest == null || newest.heapMax() <= 0 ? null : newest.heapMax();
        var pools = newest == null ? List.<dev.parley.metrics.collector.PoolReading>of() : newest.pools();
        // A consumer failing its records is as unhealthy as a service answering 5xx.
        Double worstErrors = errorRatio == null ? workFailureRatio
                : workFailureRatio == null ? errorRatio : Double.valueOf(Math.max(errorRatio, workFailureRatio));
        StatusClassifier.Verdict verdict = classifier.classify(lastAttempt != null, reachable, worstErrors, p99, cpu,
                heapUsed, heapMax, pools);
        return new ServiceView(service, track.target, verdict.status(), verdict.reasons(), reachable, lastError,
                lastAttempt, window, rps, errorRatio, p50, p95, p99, workRate, workFailureRatio, cpu, heapUsed, heapMax,
                newest == null ? null : newest.nonHeapUsed(), pools, faults.active(service).isPresent());
    }

    private static Double ms(double seconds) {
        return Double.isNaN(seconds) ? null : seconds * 1000.0;
    }

    private static final class Track {
        volatile String target;
        final Ring<ServiceSample> samples;
        final Ring<ChartPoint> chart;
        boolean reachable;
        String lastError;
        Long lastAttempt;

        Track(String target, int history) {
            this.target = target;
            this.samples = new Ring<>(history);
            this.chart = new Ring<>(history);
        }
    }
}
