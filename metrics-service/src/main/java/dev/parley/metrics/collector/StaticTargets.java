package dev.parley.metrics.collector;

import dev.parley.metrics.config.ScrapeConfig;
import java.util.List;

/** One configured address per service ({@code parley.scrape.targets.<service>}). */
public final class StaticTargets implements TargetSource {

    private final List<ScrapeTarget> targets;

    public StaticTargets(ScrapeConfig config) {
        this.targets = config.targets().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> new ScrapeTarget(e.getKey(), e.getKey(), e.getValue()))
                .toList();
    }

    @Override
    public List<ScrapeTarget> targets() {
        return targets;
    }

    @Override
    public List<String> expectedServices() {
        return targets.stream().map(ScrapeTarget::service).toList();
    }
}
