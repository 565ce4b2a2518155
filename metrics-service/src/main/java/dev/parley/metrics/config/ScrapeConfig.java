package dev.parley.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where and how often the fleet's /q/metrics are scraped. */
@ConfigMapping(prefix = "parley.scrape")
public interface ScrapeConfig {

    @WithDefault("5s")
    Duration interval();

    /** Whole-request timeout of one scrape. */
    @WithDefault("2s")
    Duration timeout();

    /** Scrapes in flight at once. */
    @WithDefault("4")
    int maxConcurrency();

    /** Larger expositions are refused (a broken exporter must not exhaust our heap). */
    @WithDefault("8388608")
    int maxBodyBytes();

    @WithDefault("50000")
    int maxSamples();

    /** Samples kept per service (720 × 5 s = 1 h), and points per chart series. */
    @WithDefault("720")
    int history();

    /** Window of the RED figures (rate, error ratio, percentiles). */
    @WithDefault("1m")
    Duration redWindow();

    /**
     * Counters (exported names) of the services' non-HTTP work — WebSocket frames in, Kafka records
     * consumed — counted with HTTP requests as the work rate: a consumer serves no HTTP traffic.
     */
    @WithDefault("parley_ws_frames_in_total,parley_delivery_messages_received_total,parley_persistence_records_in_total")
    Set<String> workCounters();

    /** Counters of failed non-HTTP work, counted with 5xx in the work failure ratio. */
    @WithDefault("parley_delivery_dead_letters_total,parley_persistence_dlq_records_total,parley_ws_slow_consumers_total")
    Set<String> failureCounters();

    /** service name → base URL (the /q/metrics path is appended). */
    Map<String, String> targets();

    Kubernetes kubernetes();

    /** Discovery of the instances from the Kubernetes API instead of {@link #targets()}. */
    interface Kubernetes {
        @WithDefault("false")
        boolean enabled();

        /** Namespace to watch; absent = the pod's own. */
        Optional<String> namespace();

        /** Labels a Service must carry to be scraped: {@code key=value[,key=value…]}. */
        @WithDefault("app.kubernetes.io/part-of=parley")
        String labelSelector();

        /** The EndpointSlice port (by name) that serves /q/metrics. */
        @WithDefault("http")
        String portName();
    }
}
