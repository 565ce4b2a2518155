package dev.parley.metrics.collector;

import dev.parley.metrics.service.Red;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the samples of a service's instances into one series, the way {@code sum(rate(...))} does
 * in Prometheus: each instance's counter increase since its own previous sample (its restart counted
 * as a reset, its first sample only a baseline) is added to the service's running totals. So the
 * service's counters only grow — a pod coming, going or restarting is not read as a reset of the
 * whole service — and the RED and SLO figures downstream stay plain differences. Gauges are taken
 * from this round: heap summed, CPU of the busiest instance, pools of every instance.
 */
public final class InstanceMerger {

    private final Map<String, ServiceSample> lastByInstance = new HashMap<>();
    private double requests;
    private double errors;
    private double work;
    private double workFailures;
    private final TreeMap<Double, Double> buckets = new TreeMap<>();

    /**
     * @param samples instance → what this round's scrape of it gave (failed instances absent)
     * @param listed  the instances that exist now: the state of the others is dropped
     */
    public synchronized ServiceSample merge(long epochMillis, Map<String, ServiceSample> samples, Set<String> listed) {
        lastByInstance.keySet().retainAll(listed);
        double cpu = Double.NaN;
        double heapUsed = 0;
        double heapMax = 0;
        double nonHeap = 0;
        List<PoolReading> pools = new ArrayList<>();
        boolean several = samples.size() > 1;
        for (var e : samples.entrySet()) {
            ServiceSample now = e.getValue();
            ServiceSample before = lastByInstance.put(e.getKey(), now);
            if (before != null) {
                add(before, now);
            }
            if (!Double.isNaN(now.cpu())) {
                cpu = Double.isNaN(cpu) ? now.cpu() : Math.max(cpu, now.cpu());
            }
            heapUsed += now.heapUsed();
            heapMax += now.heapMax();
            nonHeap += now.nonHeapUsed();
            for (PoolReading p : now.pools()) {
                pools.add(several ? new PoolReading(p.type(), e.getKey() + "/" + p.name(), p.active(), p.idle(), p.waiting(), p.max()) : p);
            }
        }
        return new ServiceSample(epochMillis, requests, errors, new TreeMap<>(buckets), cpu, heapUsed, heapMax, nonHeap,
                List.copyOf(pools), work, workFailures);
    }

    private void add(ServiceSample before, ServiceSample now) {
        boolean reset = Red.reset(before, now);
        requests += reset ? now.requests() : Red.increase(before.requests(), now.requests());
        errors += reset ? now.errors() : Red.increase(before.errors(), now.errors());
        work += reset ? now.work() : Red.increase(before.work(), now.work());
        workFailures += reset ? now.workFailures() : Red.increase(before.workFailures(), now.workFailures());
        Red.bucketIncrease(before, now).forEach((le, n) -> buckets.merge(le, n, Double::sum));
    }
}
