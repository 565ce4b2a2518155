package dev.parley.metrics.config;

import dev.parley.metrics.collector.KubernetesTargets;
import dev.parley.metrics.collector.StaticTargets;
import dev.parley.metrics.collector.TargetSource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configured addresses, or — with {@code parley.scrape.kubernetes.enabled} — the endpoints of the
 * labelled Services. Built at start-up: the informers' first list is made on the main thread, not
 * on an event loop, and a missing permission fails the start instead of every scrape.
 */
public class TargetSourceProducer {

    @Produces
    @Singleton
    @Startup
    TargetSource targets(ScrapeConfig config, Instance<KubernetesClient> client) {
        if (!config.kubernetes().enabled()) {
            return new StaticTargets(config);
        }
        KubernetesClient k8s = client.get();
        String namespace = config.kubernetes().namespace().orElse(k8s.getNamespace());
        List<String> expected = config.targets().keySet().stream().sorted().toList();
        return new KubernetesTargets(k8s, namespace, labels(config.kubernetes().labelSelector()), config.kubernetes().portName(), expected);
    }

    void close(@Disposes TargetSource source) throws Exception {
        if (source instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    static Map<String, String> labels(String selector) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : selector.split(",")) {
            String p = pair.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("parley.scrape.kubernetes.label-selector: expected key=value, got '" + p + "'");
            }
            out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return out;
    }
}
