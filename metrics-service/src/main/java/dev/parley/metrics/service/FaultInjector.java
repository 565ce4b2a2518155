package dev.parley.metrics.service;

import dev.parley.metrics.collector.ServiceSample;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Injects a fault into what metrics-service observes of a service, so the alert path can be watched
 * without breaking a real service: while a fault is active, each scraped sample gets extra
 * cumulative requests (syntheticRps × elapsed) and extra 5xx errors (errorRate × all new requests).
 * The offsets are cumulative and stay after the fault ends, so no counter ever appears to reset.
 * The target service itself is untouched; everything downstream (RED, status, SLO engines) sees it.
 */
@Singleton
public class FaultInjector {

    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public FaultInjector(Clock clock) {
        this.clock = clock;
    }

    public Fault inject(String service, double errorRate, double syntheticRps, Duration duration) {
        if (!(errorRate > 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("errorRate must be in (0, 1]");
        }
        if (!(syntheticRps >= 0 && syntheticRps <= 100_000)) {
            throw new IllegalArgumentException("syntheticRps must be in [0, 100000]");
        }
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration must be in (0 s, 1 h]");
        }
        Fault fault = new Fault(service, errorRate, syntheticRps, clock.instant().plus(duration));
        states.computeIfAbsent(service, s -> new State()).fault = fault;
        return fault;
    }

    public void clear(String service) {
        State s = states.get(service);
        if (s != null) {
            s.fault = null;
        }
    }

    public Optional<Fault> active(String service) {
        State s = states.get(service);
        Fault f = s == null ? null : s.fault;
        return f != null && clock.instant().isBefore(f.until()) ? Optional.of(f) : Optional.empty();
    }

    /** The sample as observed plus the synthetic requests and errors accumulated so far. */
    public ServiceSample apply(String service, ServiceSample observed) {
        State s = states.get(service);
        if (s == null) {
            return observed;
        }
        synchronized (s) {
            Instant now = Instant.ofEpochMilli(observed.epochMillis());
            Fault f = s.fault;
            if (f != null && s.lastApplied != null && now.isBefore(f.until().plusMillis(1))) {
                double seconds = Math.max(0, Duration.between(s.lastApplied, now).toMillis() / 1000.0);
                double synthetic = f.syntheticRps() * seconds;
                double observedNew = s.lastObserved == null ? 0 : Red.increase(s.lastObserved, observed.requests());
                s.extraRequests += synthetic;
                s.extraErrors += f.errorRate() * (observedNew + synthetic);
            }
            if (f != null && !now.isBefore(f.until())) {
                s.fault = null;
            }
            s.lastApplied = now;
            s.lastObserved = observed.requests();
            if (s.extraRequests == 0 && s.extraErrors == 0) {
                return observed;
            }
            TreeMap<Double, Double> buckets = new TreeMap<>();
            // Synthetic requests fail fast: they land in every bucket, leaving latency figures as observed.
            observed.buckets().forEach((le, count) -> buckets.put(le, count + s.extraRequests));
            if (buckets.isEmpty()) {
                buckets.put(Double.POSITIVE_INFINITY, s.extraRequests);
            }
            double requests = observed.requests() + s.extraRequests;
            return new ServiceSample(observed.epochMillis(), requests,
                    Math.min(requests, observed.errors() + s.extraErrors), buckets, observed.cpu(), observed.heapUsed(),
                    observed.heapMax(), observed.nonHeapUsed(), observed.pools(),
                    observed.work() + s.extraRequests, Math.min(observed.work() + s.extraRequests, observed.workFailures() + s.extraErrors));
        }
    }

    private static final class State {
        volatile Fault fault;
        Instant lastApplied;
        Double lastObserved;
        double extraRequests;
        double extraErrors;
    }
}
