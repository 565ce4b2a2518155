package dev.parley.metrics.collector;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a {@link FakeFleet} with services alpha and beta, plus a target nobody listens on. */
public class FakeFleetResource implements QuarkusTestResourceLifecycleManager {

    public static volatile FakeFleet fleet;

    @Override
    public Map<String, String> start() {
        fleet = new FakeFleet();
        fleet.service("alpha");
        fleet.service("beta");
        return Map.of(
                "parley.scrape.targets.alpha", fleet.baseUrl("alpha"),
                "parley.scrape.targets.beta", fleet.baseUrl("beta"),
                "parley.scrape.targets.gone", "http://127.0.0.1:9",
                "parley.scrape.red-window", "1h",
                "parley.slo.objectives.alpha-availability.service", "alpha",
                "parley.slo.objectives.alpha-latency.service", "alpha",
                "parley.slo.objectives.alpha-latency.kind", "latency",
                "parley.slo.objectives.alpha-latency.target", "0.99",
                "parley.slo.objectives.alpha-latency.latency-threshold-ms", "300");
    }

    @Override
    public void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }
}
