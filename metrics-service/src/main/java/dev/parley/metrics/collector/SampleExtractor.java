package dev.parley.metrics.collector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reduces a parsed exposition to a {@link ServiceSample}. */
public final class SampleExtractor {

    static final String REQUESTS = "http_server_requests_seconds_count";
    static final String BUCKETS = "http_server_requests_seconds_bucket";

    private SampleExtractor() {
    }

    /** HTTP figures only (no work counters configured). */
    public static ServiceSample extract(long epochMillis, List<Sample> samples) {
        return extract(epochMillis, samples, Set.of(), Set.of());
    }

    /**
     * @param workCounters    counters (exported names) that count a service's non-HTTP work
     * @param failureCounters counters of failed non-HTTP work
     */
    public static ServiceSample extract(long epochMillis, List<Sample> samples, Set<String> workCounters, Set<String> failureCounters) {
        double otherWork = 0;
        double otherFailures = 0;
        double requests = 0;
        double errors = 0;
        TreeMap<Double, Double> buckets = new TreeMap<>();
        double cpu = Double.NaN;
        double heapUsed = 0;
        double heapMax = 0;
        double nonHeapUsed = 0;
        Map<String, double[]> pools = new LinkedHashMap<>();
        for (Sample s : samples) {
            String name = s.name();
            switch (name) {
                case REQUESTS -> {
                    requests += s.value();
                    String status = s.label("status");
                    if (status != null && status.startsWith("5")) {
                        errors += s.value();
                    }
                }
                case BUCKETS -> {
                    String le = s.label("le");
                    if (le != null) {
                        double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                        buckets.merge(bound, s.value(), Double::sum);
                    }
                }
                case "process_cpu_usage" -> cpu = s.value();
                case "jvm_memory_used_bytes" -> {
                    if ("heap".equals(s.label("area"))) {
                        heapUsed += s.value();
                    } else if ("nonheap".equals(s.label("area"))) {
                        nonHeapUsed += s.value();
                    }
                }
                case "jvm_memory_max_bytes" -> {
                    if ("heap".equals(s.label("area")) && s.value() > 0) {
                        heapMax += s.value();
                    }
                }
                default -> {
                    if (workCounters.contains(name)) {
                        otherWork += s.value();
                    } else if (failureCounters.contains(name)) {
                        otherFailures += s.value();
                    } else {
                        collectPool(s, pools);
                    }
                }
            }
        }
        List<PoolReading> poolReadings = new ArrayList<>();
        pools.forEach((key, v) -> {
            int sep = key.indexOf('\u0000');
            poolReadings.add(new PoolReading(key.substring(0, sep), key.substring(sep + 1), v[0], v[1], v[2], v[0] + v[1]));
        });
        return new ServiceSample(epochMillis, requests, errors, buckets, cpu, heapUsed, heapMax, nonHeapUsed,
                List.copyOf(poolReadings), requests + otherWork, errors + otherFailures);
    }

    private static void collectPool(Sample s, Map<String, double[]> pools) {
        String type = s.label("pool_type");
        // Only database pools (Vert.x also reports its worker pools under the same names).
        if (!"sql".equals(type) || !s.name().startsWith(type + "_pool_")) {
            return;
        }
        String metric = s.name().substring(type.length() + "_pool_".length());
        int index = switch (metric) {
            case "active" -> 0;
            case "idle" -> 1;
            case "queue_size" -> 2;
            default -> -1;
        };
        if (index < 0) {
            return;
        }
        String name = s.labels().getOrDefault("pool_name", "default");
        pools.computeIfAbsent(type + '\u0000' + name, k -> new double[3])[index] = s.value();
    }
}
