package dev.parley.metrics.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parley.metrics.config.SloConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed observability/ artifacts are exactly what the service's SLO config generates, and
 * the alert thresholds in the rules are the engine's. Regenerate with
 * {@code -Dparley.observability.write=true} after changing the SLO config.
 */
class GeneratedArtifactsTest {

    private static final List<Long> BUCKETS = List.of(5L, 10L, 25L, 50L, 100L, 200L, 300L, 500L, 1000L, 2500L, 5000L);
    private static final Pattern CONDITION = Pattern.compile(
            "slo:sli_error:ratio_rate(\\w+)\\{[^}]*sloth_slo=\"([^\"]+)\"[^}]*} > \\(([0-9.]+) \\* ([0-9.]+)\\)");

    private static final Pattern MIN_EVENTS = Pattern.compile(
            "increase\\(http_server_requests_seconds_count\\{job=\"([^\"]+)\"}\\[(\\w+)]\\)\\) >= (\\d+)");

    private static SloConfig config() throws Exception {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        GeneratedArtifactsTest.class.getClassLoader().getResource("application.properties")))
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(SloConfig.class)
                .withValidateUnknown(false)
                .build();
        return config.getConfigMapping(SloConfig.class);
    }

    private static Path observability() {
        String root = System.getProperty("parley.root", "..");
        return Path.of(root, "observability");
    }

    @Test
    void committedArtifactsMatchTheSloConfig() throws Exception {
        SloConfig config = config();
        List<SloObjective> objectives = SloDefinitions.from(config, BUCKETS);
        String rules = PrometheusRulesGenerator.yaml(objectives, config.period(), BurnRateAlertRule.DEFAULT_RULES, config.minEvents());
        String dashboard = GrafanaDashboardGenerator.json(objectives);
        Path rulesFile = observability().resolve("prometheus/parley-slo-rules.yaml");
        Path dashboardFile = observability().resolve("grafana/parley-slo-dashboard.json");
        if (Boolean.getBoolean("parley.observability.write")) {
            Files.createDirectories(rulesFile.getParent());
            Files.createDirectories(dashboardFile.getParent());
            Files.writeString(rulesFile, rules, StandardCharsets.UTF_8);
            Files.writeString(dashboardFile, dashboard, StandardCharsets.UTF_8);
        }
        assertEquals(rules, Files.readString(rulesFile), "observability rules are stale: regenerate with -Dparley.observability.write=true");
        assertEquals(dashboard, Files.readString(dashboardFile), "dashboard is stale: regenerate with -Dparley.observability.write=true");
    }

    @Test
    void alertThresholdsInTheCommittedRulesAreTheEngines() throws Exception {
        SloConfig config = config();
        List<SloObjective> objectives = SloDefinitions.from(config, BUCKETS);
        JsonNode root = new ObjectMapper(new YAMLFactory())
                .readTree(observability().resolve("prometheus/parley-slo-rules.yaml").toFile());
        int alertsChecked = 0;
        for (SloObjective o : objectives) {
            SloEngine engine = new SloEngine(o, config.period(), config.resolution(), java.time.Clock.systemUTC(),
                    BurnRateAlertRule.DEFAULT_RULES, config.minEvents());
            for (Severity severity : Severity.values()) {
                // What the committed file says: (window, factor, budget) triples of this alert.
                Set<String> inFile = new HashSet<>();
                Set<String> minEventsInFile = new HashSet<>();
                boolean found = false;
                for (JsonNode group : root.get("groups")) {
                    for (JsonNode rule : group.get("rules")) {
                        if (rule.has("alert") && o.name().equals(rule.get("labels").get("sloth_slo").asText())
                                && severity.name().equals(rule.get("labels").get("severity").asText())) {
                            found = true;
                            Matcher m = CONDITION.matcher(rule.get("expr").asText());
                            while (m.find()) {
                                assertEquals(o.name(), m.group(2));
                                inFile.add(m.group(1) + " " + Double.parseDouble(m.group(3)) + " " + Double.parseDouble(m.group(4)));
                            }
                            Matcher e = MIN_EVENTS.matcher(rule.get("expr").asText());
                            while (e.find()) {
                                assertEquals(o.service(), e.group(1));
                                minEventsInFile.add(e.group(2) + " " + e.group(3));
                            }
                        }
                    }
                }
                // What the engine evaluates.
                Set<String> inEngine = new HashSet<>();
                Set<String> minEventsInEngine = new HashSet<>();
                for (BurnRateAlertRule r : engine.rules()) {
                    if (r.severity() == severity) {
                        minEventsInEngine.add(r.shortWindow().promDuration() + " " + config.minEvents());
                        inEngine.add(r.longWindow().promDuration() + " " + r.factor() + " " + o.errorBudget());
                        inEngine.add(r.shortWindow().promDuration() + " " + r.factor() + " " + o.errorBudget());
                    }
                }
                assertTrue(found, "no " + severity + " alert for " + o.name());
                assertEquals(inEngine.stream().map(s -> round(s)).collect(java.util.stream.Collectors.toSet()),
                        inFile.stream().map(s -> round(s)).collect(java.util.stream.Collectors.toSet()),
                        severity + " thresholds of " + o.name());
                assertEquals(minEventsInEngine, minEventsInFile, severity + " minimum events of " + o.name());
                alertsChecked++;
            }
        }
        assertEquals(objectives.size() * 2, alertsChecked);
        assertFalse(objectives.isEmpty());
    }

    @Test
    void recordingRulesHaveSlothNamesAndTheThresholdBucket() throws Exception {
        String text = Files.readString(observability().resolve("prometheus/parley-slo-rules.yaml"));
        for (String name : List.of("slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate30m", "slo:sli_error:ratio_rate1h",
                "slo:sli_error:ratio_rate2h", "slo:sli_error:ratio_rate6h", "slo:sli_error:ratio_rate1d",
                "slo:sli_error:ratio_rate3d", "slo:sli_error:ratio_rate30d", "slo:objective:ratio",
                "slo:error_budget:ratio", "slo:current_burn_rate:ratio", "slo:period_burn_rate:ratio",
                "slo:period_error_budget_remaining:ratio", "sloth_slo_info")) {
            assertTrue(text.contains("record: " + name + "\n"), name);
        }
        assertTrue(text.contains("le=\\\"0.3\\\"") || text.contains("le=\"0.3\""), "latency SLI uses the 300 ms bucket");
    }

    /** Factor × budget compared as numbers ("1.0" and "1" are the same threshold). */
    private static String round(String triple) {
        String[] p = triple.split(" ");
        return p[0] + " " + Math.round(Double.parseDouble(p[1]) * 1e6) + " " + Math.round(Double.parseDouble(p[2]) * 1e9);
    }
}
