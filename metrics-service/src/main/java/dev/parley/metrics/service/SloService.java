package dev.parley.metrics.service;

import dev.parley.metrics.config.SloConfig;
import dev.parley.metrics.slo.AlertState;
import dev.parley.metrics.slo.SloDefinitions;
import dev.parley.metrics.slo.BurnRateAlertRule;
import dev.parley.metrics.slo.SloEngine;
import dev.parley.metrics.slo.SloObjective;
import dev.parley.metrics.slo.SloSnapshot;
import dev.parley.platform.metrics.SloMetricsConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/** One {@link SloEngine} per configured objective; logs and publishes every alert state change. */
@Singleton
public class SloService {

    private static final Logger LOG = Logger.getLogger(SloService.class);

    private final Map<String, SloEngine> engines = new LinkedHashMap<>();
    private final BroadcastProcessor<SloSnapshot> transitions = BroadcastProcessor.create();
    private volatile List<SloSnapshot> latest = List.of();

    public SloService(SloConfig config, SloMetricsConfig buckets, Clock clock) {
        for (SloObjective objective : SloDefinitions.from(config, buckets.sloBucketsMs())) {
            engines.put(objective.name(), new SloEngine(objective, config.period(), config.resolution(), clock,
                    BurnRateAlertRule.DEFAULT_RULES, config.minEvents()));
        }
    }

    public List<SloObjective> objectives() {
        return engines.values().stream().map(SloEngine::objective).toList();
    }

    public List<SloObjective> objectivesOf(String service) {
        return objectives().stream().filter(o -> o.service().equals(service)).toList();
    }

    public void record(String objective, Instant at, double badIncrease, double totalIncrease) {
        SloEngine engine = engines.get(objective);
        if (engine != null) {
            engine.record(at, badIncrease, totalIncrease);
        }
    }

    /** Evaluates every objective; state changes are logged (WARN when an alert opens) and published. */
    public synchronized List<SloSnapshot> evaluate() {
        List<SloSnapshot> snapshots = new ArrayList<>(engines.size());
        for (SloEngine engine : engines.values()) {
            SloSnapshot s = engine.evaluate();
            snapshots.add(s);
            if (s.changed()) {
                boolean opening = s.state() == AlertState.P1 || s.state() == AlertState.P2;
                LOG.logf(opening ? Logger.Level.WARN : Logger.Level.INFO,
                        "SLO %s (%s): alert state %s -> %s; burn 5m=%s 1h=%s 6h=%s 1d=%s; firing=%s",
                        s.objective(), s.service(), s.previousState(), s.state(), s.burnRates().get("5m"),
                        s.burnRates().get("1h"), s.burnRates().get("6h"), s.burnRates().get("1d"), s.firing());
                transitions.onNext(s);
            }
        }
        latest = List.copyOf(snapshots);
        return latest;
    }

    /** The snapshots of the last evaluation. */
    public List<SloSnapshot> latest() {
        return latest;
    }

    /** Alert state changes as they happen (hot stream; late subscribers see only later ones). */
    public Multi<SloSnapshot> transitions() {
        return transitions;
    }
}
