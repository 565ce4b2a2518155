package dev.parley.metrics.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Consumer groups whose lag is measured, with the topics each reads (names without the test prefix). */
@ConfigMapping(prefix = "parley.lag")
public interface LagConfig {

    @WithDefault("5s")
    Duration interval();

    /** Timeout of one round of Admin calls. */
    @WithDefault("5s")
    Duration timeout();

    /** group → topics, e.g. parley.lag.groups.delivery=parley.messages.inbound */
    Map<String, List<String>> groups();
}
