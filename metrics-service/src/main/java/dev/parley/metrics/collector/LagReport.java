package dev.parley.metrics.collector;

import java.util.List;
import java.util.Map;

/** The last lag measurement: per partition, total per group, and the error of the last round (null when fine). */
public record LagReport(long epochMillis, List<PartitionLag> partitions, Map<String, Long> totalByGroup, String error) {

    public static final LagReport EMPTY = new LagReport(0, List.of(), Map.of(), "not measured yet");
}
