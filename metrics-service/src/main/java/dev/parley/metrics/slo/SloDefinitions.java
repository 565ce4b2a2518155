package dev.parley.metrics.slo;

import dev.parley.metrics.config.SloConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Turns configuration into validated objectives; a latency threshold off the bucket grid is refused. */
public final class SloDefinitions {

    private SloDefinitions() {
    }

    public static List<SloObjective> from(SloConfig config, Collection<Long> bucketBoundariesMs) {
        List<SloObjective> objectives = new ArrayList<>();
        config.objectives().forEach((name, o) -> objectives.add(
                new SloObjective(name, o.service(), o.kind(), o.target(), o.latencyThresholdMs())));
        objectives.sort(Comparator.comparing(SloObjective::name));
        validate(objectives, bucketBoundariesMs);
        return List.copyOf(objectives);
    }

    public static void validate(List<SloObjective> objectives, Collection<Long> bucketBoundariesMs) {
        for (SloObjective o : objectives) {
            if (o.kind() == SliKind.LATENCY && !bucketBoundariesMs.contains(o.latencyThresholdMs().getAsLong())) {
                throw new IllegalArgumentException("SLO " + o.name() + ": latency threshold "
                        + o.latencyThresholdMs().getAsLong() + " ms is not a histogram bucket boundary ("
                        + bucketBoundariesMs.stream().sorted().map(String::valueOf).collect(Collectors.joining(","))
                        + " ms); the share under it could only be interpolated");
            }
        }
    }
}
