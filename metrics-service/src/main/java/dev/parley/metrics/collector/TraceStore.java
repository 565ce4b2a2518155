package dev.parley.metrics.collector;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The most recent traces received over OTLP, bounded: at most {@link #MAX_TRACES} traces (the least
 * recently updated is evicted) and {@link #MAX_SPANS} spans per trace.
 */
@Singleton
public class TraceStore {

    static final int MAX_TRACES = 256;
    static final int MAX_SPANS = 256;

    /** One bar of the waterfall; times in ms relative to the trace's first span. */
    public record Bar(String service, String name, String spanId, String parentSpanId, int depth, double offsetMs,
                      double durationMs, boolean error) {
    }

    public record Waterfall(String traceId, double durationMs, int services, List<Bar> spans) {
    }

    private final LinkedHashMap<String, List<SpanRecord>> traces = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<SpanRecord>> eldest) {
            return size() > MAX_TRACES;
        }
    };

    public synchronized void add(List<SpanRecord> spans) {
        for (SpanRecord s : spans) {
            List<SpanRecord> trace = traces.computeIfAbsent(s.traceId(), k -> new ArrayList<>());
            if (trace.size() < MAX_SPANS) {
                trace.add(s);
            }
        }
    }

    /** The most recently updated trace that crosses the most services (ties: the newest). */
    public synchronized Waterfall latest() {
        List<Map.Entry<String, List<SpanRecord>>> entries = new ArrayList<>(traces.entrySet());
        Map.Entry<String, List<SpanRecord>> best = null;
        long bestServices = 0;
        for (int i = entries.size() - 1; i >= 0 && i >= entries.size() - 32; i--) {
            long services = entries.get(i).getValue().stream().map(SpanRecord::service).distinct().count();
            if (services > bestServices) {
                best = entries.get(i);
                bestServices = services;
            }
        }
        return best == null ? null : waterfall(best.getKey(), best.getValue());
    }

    private static Waterfall waterfall(String traceId, List<SpanRecord> spans) {
        long start = spans.stream().mapToLong(SpanRecord::startNanos).min().orElse(0);
        long end = spans.stream().mapToLong(SpanRecord::endNanos).max().orElse(start);
        Map<String, SpanRecord> byId = new HashMap<>();
        spans.forEach(s -> byId.put(s.spanId(), s));
        List<Bar> bars = new ArrayList<>();
        for (SpanRecord s : spans) {
            int depth = 0;
            SpanRecord p = s;
            while (p.parentSpanId() != null && byId.containsKey(p.parentSpanId()) && depth < 64) {
                p = byId.get(p.parentSpanId());
                depth++;
            }
            bars.add(new Bar(s.service(), s.name(), s.spanId(), s.parentSpanId(), depth,
                    (s.startNanos() - start) / 1e6, (s.endNanos() - s.startNanos()) / 1e6, s.error()));
        }
        bars.sort(Comparator.comparingDouble(Bar::offsetMs).thenComparingInt(Bar::depth));
        int services = (int) spans.stream().map(SpanRecord::service).distinct().count();
        return new Waterfall(traceId, (end - start) / 1e6, services, List.copyOf(bars));
    }
}
