package dev.parley.k8s;

import static dev.parley.k8s.Objects.containers;
import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.id;
import static dev.parley.k8s.Objects.kind;
import static dev.parley.k8s.Objects.name;
import static dev.parley.k8s.Objects.ofKind;
import static dev.parley.k8s.Objects.workloads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.FleetService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The fleet's deployment rules, checked on every rendered overlay. */
class PolicyTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyWorkloadHasProbesRequestsLimitsAndRunsNonRootOnAReadOnlyFilesystem(String overlay) {
        List<String> problems = new ArrayList<>();
        workloads(Kustomize.overlay(overlay)).forEach(w -> {
            JsonNode pod = w.path("spec").path("template").path("spec");
            boolean podNonRoot = pod.path("securityContext").path("runAsNonRoot").asBoolean(false);
            containers(w).forEach(c -> {
                String where = id(w) + " container " + c.path("name").asText();
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    if (c.path(probe).isMissingNode()) {
                        problems.add(where + ": no " + probe);
                    }
                }
                for (String bound : List.of("requests", "limits")) {
                    for (String res : List.of("cpu", "memory")) {
                        if (c.path("resources").path(bound).path(res).asText("").isEmpty()) {
                            problems.add(where + ": no resources." + bound + "." + res);
                        }
                    }
                }
                JsonNode sc = c.path("securityContext");
                if (!(podNonRoot || sc.path("runAsNonRoot").asBoolean(false))) {
                    problems.add(where + ": runAsNonRoot is not true");
                }
                if (sc.path("runAsUser").isInt() && sc.path("runAsUser").asInt() == 0
                        || pod.path("securityContext").path("runAsUser").isInt() && pod.path("securityContext").path("runAsUser").asInt() == 0) {
                    problems.add(where + ": runs as uid 0");
                }
                if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
                    problems.add(where + ": readOnlyRootFilesystem is not true");
                }
                if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
                    problems.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (sc.path("privileged").asBoolean(false)) {
                    problems.add(where + ": privileged");
                }
            });
        });
        assertEquals(List.of(), problems);
    }

    private static final Pattern TAG = Pattern.compile("^(?<repo>[^@]+?)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@sha256:[0-9a-f]{64})?$");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyImageIsPinnedToATagOrDigestThatIsNotLatest(String overlay) {
        List<String> problems = new ArrayList<>();
        workloads(Kustomize.overlay(overlay)).forEach(w -> containers(w).forEach(c -> {
            String image = c.path("image").asText();
            Matcher m = TAG.matcher(image);
            boolean digest = image.contains("@sha256:");
            String lastSegment = image.substring(image.lastIndexOf('/') + 1);
            boolean tagged = m.matches() && m.group("tag") != null && lastSegment.contains(":");
            if (!(digest || tagged)) {
                problems.add(id(w) + ": image " + image + " has no tag or digest");
            } else if (tagged && m.group("tag").equalsIgnoreCase("latest")) {
                problems.add(id(w) + ": image " + image + " uses latest");
            }
        }));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void serviceDeploymentsRollOneAtATimeAndOutliveTheirShutdownTimeout(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (FleetService s : FleetService.values()) {
            JsonNode d = Objects.find(objects, "Deployment", s.serviceName()).orElse(null);
            if (d == null) {
                problems.add("no Deployment " + s.serviceName());
                continue;
            }
            JsonNode strategy = d.path("spec").path("strategy");
            if (!strategy.path("type").asText().equals("RollingUpdate")
                    || strategy.path("rollingUpdate").path("maxSurge").isMissingNode()
                    || !strategy.path("rollingUpdate").path("maxUnavailable").asText().equals("0")) {
                problems.add(id(d) + ": needs RollingUpdate with maxSurge and maxUnavailable 0, has " + strategy);
            }
            Duration shutdown = ServiceProperties.of(s).shutdownTimeout();
            long grace = d.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong(30);
            if (grace <= shutdown.toSeconds()) {
                problems.add(id(d) + ": terminationGracePeriodSeconds " + grace + " <= quarkus.shutdown.timeout " + shutdown);
            }
            containers(d).forEach(c -> {
                if (!c.path("startupProbe").path("httpGet").path("path").asText().equals("/q/health/started")) {
                    problems.add(id(d) + ": startupProbe is not /q/health/started");
                }
                if (!c.path("livenessProbe").path("httpGet").path("path").asText().equals("/q/health/live")) {
                    problems.add(id(d) + ": livenessProbe is not /q/health/live");
                }
                if (!c.path("readinessProbe").path("httpGet").path("path").asText().equals("/q/health/ready")) {
                    problems.add(id(d) + ": readinessProbe is not /q/health/ready");
                }
            });
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void wsServiceDrainsBeforeItStops(String overlay) {
        // The drain runs in Quarkus' shutdown delay (PodLifecycle observes ShutdownDelayInitiatedEvent),
        // so SIGTERM alone drains: the delay must be on, and the hook only waits for endpoint removal.
        Properties props = ServiceProperties.of(FleetService.WS_SERVICE).properties();
        assertEquals("true", props.getProperty("quarkus.shutdown.delay-enabled"), "ws-service drains in its shutdown delay");
        long delay = seconds(props.getProperty("quarkus.shutdown.delay", "0s"));
        long sleep = preStopSleep(overlay, FleetService.WS_SERVICE);
        long grace = grace(overlay, FleetService.WS_SERVICE);
        Duration shutdown = ServiceProperties.of(FleetService.WS_SERVICE).shutdownTimeout();
        // The drain waits up to 5 s for the pod set and the reconnect frames (PodLifecycle.drainOnce).
        long needed = sleep + Math.max(delay, 5) + shutdown.toSeconds();
        assertTrue(grace >= needed + 10, "the drain needs time on top of the sleep and quarkus.shutdown.timeout; grace="
                + grace + ", needed " + needed + " + margin");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theGatewayKeepsServingUntilItHasLeftTheEndpoints(String overlay) {
        long sleep = preStopSleep(overlay, FleetService.GATEWAY);
        long grace = grace(overlay, FleetService.GATEWAY);
        long shutdown = ServiceProperties.of(FleetService.GATEWAY).shutdownTimeout().toSeconds();
        assertTrue(grace >= sleep + shutdown + 5, "gateway: grace " + grace + " < preStop sleep " + sleep + " + shutdown " + shutdown + " + margin");
    }

    /**
     * The preStop hook's sleep: the native action (no exec, no HTTP request, which would need
     * /internal/drain's credential), long enough for the Endpoints change to reach kube-proxy and
     * the ingress controller, short against the grace period.
     */
    private static long preStopSleep(String overlay, FleetService s) {
        JsonNode d = Objects.find(Kustomize.overlay(overlay), "Deployment", s.serviceName()).orElseThrow();
        JsonNode preStop = containers(d).findFirst().orElseThrow().path("lifecycle").path("preStop");
        assertEquals(List.of("sleep"), iterable(preStop.fieldNames()), s.serviceName() + ": preStop is a sleep action only, is " + preStop);
        long seconds = preStop.path("sleep").path("seconds").asLong();
        assertTrue(seconds >= 3 && seconds <= 15, s.serviceName() + ": preStop sleep " + seconds + " s (3..15)");
        return seconds;
    }

    private static long grace(String overlay, FleetService s) {
        JsonNode d = Objects.find(Kustomize.overlay(overlay), "Deployment", s.serviceName()).orElseThrow();
        return d.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asLong(30);
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static long seconds(String quarkusDuration) {
        String v = quarkusDuration.trim().toUpperCase();
        return v.endsWith("MS") ? 0 : Duration.parse("PT" + v).toSeconds();
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyAutoscalerTargetsAnExistingDeploymentAndNoWorkloadHasTwo(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        Map<String, String> owner = new HashMap<>();
        objects.stream().filter(o -> kind(o).equals("HorizontalPodAutoscaler") || kind(o).equals("ScaledObject")).forEach(a -> {
            JsonNode ref = a.path("spec").path("scaleTargetRef");
            String targetKind = ref.path("kind").asText("Deployment");
            String target = ref.path("name").asText();
            if (!targetKind.equals("Deployment") || Objects.find(objects, "Deployment", target).isEmpty()) {
                problems.add(id(a) + ": targets " + targetKind + "/" + target + ", which is not a rendered Deployment");
            }
            String previous = owner.put(target, id(a));
            if (previous != null) {
                problems.add(target + " is scaled by both " + previous + " and " + id(a));
            }
            if (kind(a).equals("HorizontalPodAutoscaler")) {
                if (!a.path("apiVersion").asText().equals("autoscaling/v2")) {
                    problems.add(id(a) + ": not autoscaling/v2");
                }
                if (a.path("spec").path("minReplicas").asInt(1) > a.path("spec").path("maxReplicas").asInt()) {
                    problems.add(id(a) + ": minReplicas > maxReplicas");
                }
                boolean cpu = elements(a.path("spec").path("metrics"))
                        .anyMatch(m -> m.path("resource").path("name").asText().equals("cpu"));
                if (!cpu) {
                    problems.add(id(a) + ": no CPU metric");
                }
            }
            if (kind(a).equals("ScaledObject")
                    && a.path("spec").path("minReplicaCount").asInt(0) > a.path("spec").path("maxReplicaCount").asInt(100)) {
                problems.add(id(a) + ": minReplicaCount > maxReplicaCount");
            }
        });
        // The split: CPU HPAs for the request tiers, Kafka-lag ScaledObjects for the consumers.
        expectScaler(objects, problems, "HorizontalPodAutoscaler", FleetService.GATEWAY, FleetService.WS_SERVICE, FleetService.SEAT_SERVICE);
        expectScaler(objects, problems, "ScaledObject", FleetService.DELIVERY_CONSUMER, FleetService.PERSISTENCE_CONSUMER);
        // An autoscaled Deployment leaves replicas to its autoscaler (a fixed count would fight it on every sync).
        owner.keySet().forEach(d -> Objects.find(objects, "Deployment", d)
                .filter(x -> x.path("spec").has("replicas"))
                .ifPresent(x -> problems.add(id(x) + ": sets replicas although " + owner.get(d) + " owns them")));
        assertEquals(List.of(), problems);
    }

    private static void expectScaler(List<JsonNode> objects, List<String> problems, String kind, FleetService... services) {
        for (FleetService s : services) {
            boolean found = ofKind(objects, kind).anyMatch(a -> a.path("spec").path("scaleTargetRef").path("name").asText().equals(s.serviceName()));
            if (!found) {
                problems.add(s.serviceName() + " has no " + kind);
            }
        }
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceSelectsAWorkloadAndNamesAPortItHas(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        ofKind(objects, "Service").forEach(svc -> {
            Map<String, String> selector = Objects.labels(svc.path("spec").path("selector"));
            List<JsonNode> selected = workloads(objects).filter(w -> Objects.selects(selector, Objects.podLabels(w))).toList();
            if (selected.isEmpty()) {
                problems.add(id(svc) + ": selector " + selector + " matches no Deployment or StatefulSet");
                return;
            }
            elements(svc.path("spec").path("ports")).forEach(p -> {
                JsonNode target = p.path("targetPort");
                for (JsonNode w : selected) {
                    boolean has = containers(w).flatMap(c -> elements(c.path("ports"))).anyMatch(cp -> target.isInt()
                            ? cp.path("containerPort").asInt() == target.asInt()
                            : cp.path("name").asText().equals(target.asText()));
                    if (!has) {
                        problems.add(id(svc) + ": targetPort " + target + " is not a port of " + id(w));
                    }
                }
            });
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyWorkloadRunningMoreThanOnePodHasADisruptionBudgetAndEveryBudgetSelectsAWorkload(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        List<JsonNode> pdbs = ofKind(objects, "PodDisruptionBudget").toList();
        pdbs.forEach(pdb -> {
            Map<String, String> selector = Objects.labels(pdb.path("spec").path("selector").path("matchLabels"));
            if (workloads(objects).noneMatch(w -> Objects.selects(selector, Objects.podLabels(w)))) {
                problems.add(id(pdb) + ": selects no workload");
            }
            if (pdb.path("spec").has("minAvailable") == pdb.path("spec").has("maxUnavailable")) {
                problems.add(id(pdb) + ": needs exactly one of minAvailable / maxUnavailable");
            }
        });
        workloads(objects).forEach(w -> {
            int pods = maxPods(objects, w);
            boolean covered = pdbs.stream().anyMatch(pdb -> Objects.selects(
                    Objects.labels(pdb.path("spec").path("selector").path("matchLabels")), Objects.podLabels(w)));
            if (pods > 1 && !covered) {
                problems.add(id(w) + ": may run " + pods + " pods but has no PodDisruptionBudget");
            }
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void replicatedWorkloadsSpreadOverZonesAndNodesAndNoPodGetsServiceLinks(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        workloads(objects).forEach(w -> {
            JsonNode pod = w.path("spec").path("template").path("spec");
            if (!pod.path("enableServiceLinks").isBoolean() || pod.path("enableServiceLinks").asBoolean()) {
                problems.add(id(w) + ": enableServiceLinks is not false");
            }
            if (maxPods(objects, w) <= 1) {
                return;
            }
            for (String key : List.of("topology.kubernetes.io/zone", "kubernetes.io/hostname")) {
                List<JsonNode> constraints = elements(pod.path("topologySpreadConstraints"))
                        .filter(c -> c.path("topologyKey").asText().equals(key)).toList();
                if (constraints.size() != 1) {
                    problems.add(id(w) + ": runs up to " + maxPods(objects, w) + " pods but has " + constraints.size()
                            + " topologySpreadConstraints on " + key);
                    continue;
                }
                JsonNode c = constraints.get(0);
                if (!c.path("whenUnsatisfiable").asText().equals("ScheduleAnyway")) {
                    problems.add(id(w) + ": spread on " + key + " must be ScheduleAnyway (kind has one zone), is " + c.path("whenUnsatisfiable"));
                }
                if (!Objects.selects(Objects.labels(c.path("labelSelector").path("matchLabels")), Objects.podLabels(w))) {
                    problems.add(id(w) + ": spread on " + key + " does not select the workload's own pods");
                }
                if (c.path("maxSkew").asInt(0) < 1) {
                    problems.add(id(w) + ": spread on " + key + " without maxSkew");
                }
            }
        });
        assertEquals(List.of(), problems);
    }

    /** The most pods a workload runs: its replicas, or its autoscaler's maximum. */
    private static int maxPods(List<JsonNode> objects, JsonNode w) {
        Optional<JsonNode> hpa = ofKind(objects, "HorizontalPodAutoscaler")
                .filter(a -> a.path("spec").path("scaleTargetRef").path("name").asText().equals(name(w))).findFirst();
        if (hpa.isPresent()) {
            return hpa.get().path("spec").path("maxReplicas").asInt();
        }
        Optional<JsonNode> so = ofKind(objects, "ScaledObject")
                .filter(a -> a.path("spec").path("scaleTargetRef").path("name").asText().equals(name(w))).findFirst();
        if (so.isPresent()) {
            return so.get().path("spec").path("maxReplicaCount").asInt(100);
        }
        return w.path("spec").path("replicas").asInt(1);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyConfigMapIsGeneratedSoAChangeRollsThePodsThatReadIt(String overlay) {
        // configMapGenerator names each ConfigMap after a hash of its content and rewrites the
        // references: a changed value is a new name in the pod template, hence a rollout.
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        ofKind(objects, "ConfigMap").filter(cm -> !name(cm).matches(".+-[a-z0-9]{10}"))
                .forEach(cm -> problems.add(id(cm) + ": no content hash in its name (write it as a configMapGenerator)"));
        for (FleetService s : FleetService.values()) {
            JsonNode d = Objects.find(objects, "Deployment", s.serviceName()).orElseThrow();
            List<String> refs = containers(d).flatMap(c -> elements(c.path("envFrom")))
                    .map(ef -> ef.path("configMapRef").path("name").asText()).toList();
            for (String generated : List.of("parley-infra", s.serviceName() + "-config")) {
                if (refs.stream().noneMatch(r -> Objects.isGeneratedName(r, generated))) {
                    problems.add(id(d) + ": envFrom does not reference the generated " + generated + ", has " + refs);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @org.junit.jupiter.api.Test
    void aConfigMapsNameChangesWithItsContent() {
        // The demo login makes kind's gateway-config differ from production's: so must its name.
        String kind = Objects.findGenerated(Kustomize.overlay("kind"), "ConfigMap", "gateway-config").map(Objects::name).orElseThrow();
        String production = Objects.findGenerated(Kustomize.overlay("production"), "ConfigMap", "gateway-config").map(Objects::name).orElseThrow();
        assertTrue(!kind.equals(production), "gateway-config is named " + kind + " in both overlays although its data differs");
    }

    private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void secretsAreReferencedNeverWrittenAndEveryReferenceResolves(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        // Only kind renders Secrets, with values marked as known to everyone; production's come from a
        // secret store. Where Secrets are rendered, every reference must find its key.
        boolean rendersSecrets = overlay.equals("kind");
        ofKind(objects, "Secret").forEach(s -> {
            if (!rendersSecrets) {
                problems.add(id(s) + ": " + overlay + " Secrets are created from a secret store, never rendered");
            } else if (!s.path("metadata").path("annotations").path("parley.dev/dev-only").asText().equals("true")) {
                problems.add(id(s) + ": a rendered Secret must be annotated parley.dev/dev-only: \"true\"");
            } else {
                s.path("data").fields().forEachRemaining(e -> {
                    String value = new String(java.util.Base64.getMimeDecoder().decode(e.getValue().asText()), java.nio.charset.StandardCharsets.UTF_8);
                    if (!value.startsWith("kind-dev-only-")) {
                        problems.add(id(s) + ": key " + e.getKey() + " does not say it is a kind-dev-only value");
                    }
                });
            }
        });
        workloads(objects).forEach(w -> {
            JsonNode pod = w.path("spec").path("template").path("spec");
            String sa = pod.path("serviceAccountName").asText("");
            if (!sa.isEmpty() && Objects.find(objects, "ServiceAccount", sa).isEmpty()) {
                problems.add(id(w) + ": ServiceAccount " + sa + " is not rendered");
            }
            elements(pod.path("volumes")).filter(v -> v.has("configMap")).forEach(v -> {
                String cm = v.path("configMap").path("name").asText();
                if (Objects.find(objects, "ConfigMap", cm).isEmpty()) {
                    problems.add(id(w) + ": volume ConfigMap " + cm + " is not rendered");
                }
            });
            containers(w).forEach(c -> {
                String where = id(w) + " container " + c.path("name").asText();
                Set<String> defined = new HashSet<>();
                elements(c.path("envFrom")).forEach(ef -> {
                    if (ef.has("secretRef")) {
                        return; // keys unknown here; the Secret is created outside git
                    }
                    String cm = ef.path("configMapRef").path("name").asText();
                    Optional<JsonNode> map = Objects.find(objects, "ConfigMap", cm);
                    if (map.isEmpty()) {
                        problems.add(where + ": envFrom ConfigMap " + cm + " is not rendered");
                    } else {
                        map.get().path("data").fieldNames().forEachRemaining(defined::add);
                    }
                });
                elements(c.path("env")).forEach(e -> {
                    String var = e.path("name").asText();
                    boolean sensitive = var.matches(".*(PASSWORD|SECRET|TOKEN|_KEY)$");
                    if (sensitive && !e.path("valueFrom").has("secretKeyRef")) {
                        problems.add(where + ": " + var + " must come from a secretKeyRef");
                    }
                    JsonNode secretRef = e.path("valueFrom").path("secretKeyRef");
                    if (rendersSecrets && !secretRef.isMissingNode()) {
                        Optional<JsonNode> secret = Objects.find(objects, "Secret", secretRef.path("name").asText());
                        if (secret.isEmpty() || !secret.get().path("data").has(secretRef.path("key").asText())) {
                            problems.add(where + ": " + var + " refers to a Secret key that is not rendered: " + secretRef);
                        }
                    }
                    JsonNode cmRef = e.path("valueFrom").path("configMapKeyRef");
                    if (!cmRef.isMissingNode()) {
                        Optional<JsonNode> map = Objects.find(objects, "ConfigMap", cmRef.path("name").asText());
                        if (map.isEmpty() || !map.get().path("data").has(cmRef.path("key").asText())) {
                            problems.add(where + ": " + var + " refers to a missing ConfigMap key " + cmRef);
                        }
                    }
                    Matcher m = VAR_REF.matcher(e.path("value").asText(""));
                    while (m.find()) {
                        if (!defined.contains(m.group(1))) {
                            problems.add(where + ": " + var + " uses $(" + m.group(1) + ") before it is defined");
                        }
                    }
                    defined.add(var);
                });
            });
        });
        objects.stream().filter(o -> kind(o).equals("ConfigMap")).forEach(cm -> cm.path("data").fields().forEachRemaining(e -> {
            if (e.getKey().matches(".*(PASSWORD|SECRET|TOKEN)$")) {
                problems.add(id(cm) + ": " + e.getKey() + " is a secret value in a ConfigMap");
            }
        }));
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theIngressRoutesToTheGatewayServicePort(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        List<JsonNode> ingresses = ofKind(objects, "Ingress").toList();
        assertEquals(1, ingresses.size(), "one Ingress, for the gateway");
        ingresses.forEach(ing -> elements(ing.path("spec").path("rules"))
                .flatMap(r -> elements(r.path("http").path("paths")))
                .forEach(p -> {
                    JsonNode backend = p.path("backend").path("service");
                    String svc = backend.path("name").asText();
                    Optional<JsonNode> s = Objects.find(objects, "Service", svc);
                    String port = backend.path("port").has("name") ? backend.path("port").path("name").asText()
                            : backend.path("port").path("number").asText();
                    if (!svc.equals(FleetService.GATEWAY.serviceName())) {
                        problems.add(id(ing) + ": routes to " + svc + "; the gateway is the only entry point");
                    }
                    if (s.isEmpty() || elements(s.get().path("spec").path("ports"))
                            .noneMatch(sp -> sp.path("name").asText().equals(port) || sp.path("port").asText().equals(port))) {
                        problems.add(id(ing) + ": backend " + svc + ":" + port + " does not exist");
                    }
                }));
        assertEquals(List.of(), problems);
    }

    @org.junit.jupiter.api.Test
    void productionRunsEveryAutoscaledTierHighlyAvailableAndScalesWsServiceOnConnections() {
        List<JsonNode> objects = Kustomize.overlay("production");
        List<String> problems = new ArrayList<>();
        ofKind(objects, "HorizontalPodAutoscaler").filter(h -> h.path("spec").path("minReplicas").asInt(1) < 2)
                .forEach(h -> problems.add(id(h) + ": minReplicas below 2 in production"));
        ofKind(objects, "ScaledObject").filter(so -> so.path("spec").path("minReplicaCount").asInt(0) < 2)
                .forEach(so -> problems.add(id(so) + ": minReplicaCount below 2 in production"));
        JsonNode ws = Objects.find(objects, "HorizontalPodAutoscaler", FleetService.WS_SERVICE.serviceName()).orElseThrow();
        boolean connections = elements(ws.path("spec").path("metrics")).anyMatch(m -> m.path("type").asText().equals("Pods")
                && m.path("pods").path("metric").path("name").asText().equals("parley_ws_connections"));
        if (!connections) {
            problems.add(id(ws) + ": no Pods metric parley_ws_connections (open connections per pod)");
        }
        assertEquals(List.of(), problems);
    }
}
