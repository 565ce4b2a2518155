package dev.parley.k8s;

import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parley.contracts.FleetService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * components/monitoring: its PrometheusRule is the file metrics-service generates, every job the
 * rules select is produced by a ServiceMonitor, and every custom metric an HPA reads is served by
 * the prometheus-adapter rule. Production includes the component; kind renders with it on request
 * (make kind-up MONITORING=1), rendered here the same way.
 */
class MonitoringTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** job="x" and job=~"a|b" in PromQL selectors. */
    private static final Pattern JOB = Pattern.compile("\\bjob=(~?)\"([^\"]*)\"");

    static Path component() {
        return Kustomize.k8sDir().resolve("components/monitoring");
    }

    static Path generatedRules() {
        return Kustomize.repoRoot().resolve("observability/prometheus/parley-slo-rules.yaml");
    }

    /** The kustomization make kind-up MONITORING=1 applies: the kind overlay plus the component. */
    static final String KIND_WITH_MONITORING = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: parley
            resources:
              - ../../../overlays/kind
            components:
              - ../../../components/monitoring
            """;

    static List<JsonNode> withMonitoring(String overlay) {
        return overlay.equals("kind") ? Kustomize.renderGenerated("kind-monitoring", KIND_WITH_MONITORING) : Kustomize.overlay(overlay);
    }

    private static JsonNode read(Path p) throws IOException {
        return YAML.readTree(p.toFile());
    }

    /** The PrometheusRule file as the generator would write it: the generated groups under spec. */
    static String prometheusRule(String generated) {
        String header = """
                # Generated from observability/prometheus/parley-slo-rules.yaml (metrics-service's SLO config); do not
                # edit. spec.groups is that file's groups; MonitoringTest fails when they differ and rewrites this
                # file with -Dparley.monitoring.write=true.
                apiVersion: monitoring.coreos.com/v1
                kind: PrometheusRule
                metadata:
                  name: parley-slo
                  labels:
                    app.kubernetes.io/name: parley-slo
                spec:
                """;
        return header + generated.lines().filter(l -> !l.startsWith("#")).map(l -> l.isEmpty() ? l : "  " + l)
                .collect(Collectors.joining("\n", "", "\n"));
    }

    @Test
    void theComponentsRulesAreTheGeneratedFile() throws IOException {
        Path file = component().resolve("prometheusrule.yaml");
        if (Boolean.getBoolean("parley.monitoring.write")) {
            Files.writeString(file, prometheusRule(Files.readString(generatedRules())));
        }
        JsonNode groups = read(generatedRules()).path("groups");
        assertTrue(groups.size() > 0, "the generated file has rule groups");
        assertEquals(groups, read(file).path("spec").path("groups"),
                "components/monitoring/prometheusrule.yaml is stale: rerun with -Dparley.monitoring.write=true");
        // What is applied is what was generated: kustomize leaves the groups alone.
        for (String overlay : OVERLAYS) {
            JsonNode rendered = ofKind(withMonitoring(overlay), "PrometheusRule").findFirst().orElseThrow();
            assertEquals(groups, rendered.path("spec").path("groups"), overlay + ": rendered PrometheusRule");
        }
    }

    /** Every job a PromQL expression selects, alternatives of a =~ split. */
    static Set<String> selectedJobs(JsonNode groups) {
        Set<String> jobs = new TreeSet<>();
        elements(groups).flatMap(g -> elements(g.path("rules"))).map(r -> r.path("expr").asText()).forEach(expr -> {
            Matcher m = JOB.matcher(expr);
            while (m.find()) {
                jobs.addAll(m.group(1).isEmpty() ? List.of(m.group(2)) : List.of(m.group(2).split("\\|")));
            }
        });
        return jobs;
    }

    /** The job label each ServiceMonitor gives its targets: the Service's jobLabel label, else the Service's name. */
    static Set<String> producedJobs(List<JsonNode> objects) {
        Set<String> jobs = new TreeSet<>();
        ofKind(objects, "ServiceMonitor").forEach(sm -> {
            Map<String, String> sel = Objects.labels(sm.path("spec").path("selector").path("matchLabels"));
            String jobLabel = sm.path("spec").path("jobLabel").asText("");
            ofKind(objects, "Service").filter(svc -> Objects.selects(sel, Objects.labels(svc.path("metadata").path("labels"))))
                    .forEach(svc -> jobs.add(jobLabel.isEmpty() ? Objects.name(svc)
                            : svc.path("metadata").path("labels").path(jobLabel).asText(Objects.name(svc))));
        });
        return jobs;
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyJobTheRulesSelectIsProducedByAMonitor(String overlay) throws IOException {
        List<JsonNode> objects = withMonitoring(overlay);
        Set<String> selected = selectedJobs(read(generatedRules()).path("groups"));
        assertFalse(selected.isEmpty(), "the rules select jobs");
        Set<String> missing = new TreeSet<>(selected);
        missing.removeAll(producedJobs(objects));
        assertEquals(Set.of(), missing, overlay + ": jobs the SLO rules select that no ServiceMonitor produces");
    }

    @Test
    void aJobNoMonitorProducesIsCaught() {
        List<JsonNode> objects = new ArrayList<>(withMonitoring("production"));
        objects.removeIf(o -> Objects.kind(o).equals("ServiceMonitor") && Objects.name(o).equals("seat-service"));
        assertFalse(producedJobs(objects).contains("seat-service"));
        assertTrue(producedJobs(objects).contains("gateway"));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceIsScrapedOnQuarkusMetricsThroughItsHttpPort(String overlay) {
        List<JsonNode> objects = withMonitoring(overlay);
        for (FleetService s : FleetService.values()) {
            JsonNode sm = Objects.find(objects, "ServiceMonitor", s.serviceName()).orElse(null);
            assertTrue(sm != null, overlay + ": no ServiceMonitor " + s.serviceName());
            List<JsonNode> endpoints = elements(sm.path("spec").path("endpoints")).toList();
            assertFalse(endpoints.isEmpty(), s.serviceName() + ": no endpoints");
            endpoints.forEach(ep -> {
                assertEquals("/q/metrics", ep.path("path").asText(), s.serviceName());
                assertEquals("http", ep.path("port").asText(), s.serviceName());
            });
        }
    }

    /** Metric names the adapter serves: name.as, else the series name of the seriesQuery. */
    static Map<String, String> adapterMetrics() throws IOException {
        JsonNode values = read(component().resolve("prometheus-adapter-values.yaml"));
        return elements(values.path("rules").path("custom")).collect(Collectors.toMap(
                r -> r.path("name").path("as").asText(r.path("seriesQuery").asText().replaceFirst("\\{.*", "")),
                r -> r.path("seriesQuery").asText()));
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyCustomMetricAnHpaReadsIsServedByTheAdapterFromAScrapedJob(String overlay) throws IOException {
        List<JsonNode> objects = withMonitoring(overlay);
        Map<String, String> served = adapterMetrics();
        Set<String> produced = producedJobs(objects);
        List<String> problems = new ArrayList<>();
        List<String> read = new ArrayList<>();
        ofKind(objects, "HorizontalPodAutoscaler").forEach(hpa -> elements(hpa.path("spec").path("metrics"))
                .filter(m -> Set.of("Pods", "Object").contains(m.path("type").asText()))
                .forEach(m -> {
                    String metric = m.path(m.path("type").asText().equals("Pods") ? "pods" : "object").path("metric").path("name").asText();
                    read.add(metric);
                    String query = served.get(metric);
                    if (query == null) {
                        problems.add(Objects.id(hpa) + " reads " + metric + ", which no prometheus-adapter rule serves " + served.keySet());
                        return;
                    }
                    // The series must come from the HPA's own target, scraped by a monitor.
                    String target = hpa.path("spec").path("scaleTargetRef").path("name").asText();
                    Set<String> jobs = selectedJobs(YAML.createArrayNode().add(YAML.createObjectNode()
                            .set("rules", YAML.createArrayNode().add(YAML.createObjectNode().put("expr", query)))));
                    if (!jobs.equals(Set.of(target)) || !produced.contains(target)) {
                        problems.add(metric + ": the adapter rule selects jobs " + jobs + ", expected the scraped job " + target);
                    }
                }));
        assertEquals(List.of(), problems);
        if (overlay.equals("production")) {
            assertTrue(read.contains("parley_ws_connections"), "production scales ws-service on its connections: " + read);
        }
    }

    @Test
    void kindWithTheComponentStillAllowsExactlyTheNeededFlows() {
        assertEquals(List.of(), NetworkPolicyFlowTest.check(withMonitoring("kind")));
    }

    @Test
    void renderingAnOverlayWithTheComponentPrintsNoWarning() {
        withMonitoring("kind");
        assertEquals("", Kustomize.warnings("target/generated/kind-monitoring").strip());
        assertEquals("", Kustomize.warnings("overlays/production").strip());
    }
}
