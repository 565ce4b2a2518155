package dev.parley.k8s;

import static dev.parley.k8s.Objects.containers;
import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.id;
import static dev.parley.k8s.Objects.kind;
import static dev.parley.k8s.Objects.ofKind;
import static dev.parley.k8s.Objects.workloads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.FleetService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * A fresh cluster comes up in one sync (or one `kubectl apply -k`): the namespace first, then its
 * Secrets and endpoints, the infrastructure, the topics once Kafka is Ready, then the services. Argo
 * CD applies wave by wave and waits for each wave to be healthy (it has built-in health checks for
 * Strimzi's Kafka and KafkaTopic).
 */
class SyncOrderTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;
    private static final Set<String> SERVICES = Arrays.stream(FleetService.values()).map(FleetService::serviceName)
            .collect(Collectors.toSet());

    static int wave(JsonNode o) {
        return Integer.parseInt(o.path("metadata").path("annotations").path("argocd.argoproj.io/sync-wave").asText("0"));
    }

    @Test
    void theKindOverlayShipsItsNamespaceInTheFirstWave() {
        List<JsonNode> objects = Kustomize.overlay("kind");
        List<JsonNode> namespaces = ofKind(objects, "Namespace").toList();
        assertEquals(1, namespaces.size(), "kind renders one Namespace");
        JsonNode ns = namespaces.get(0);
        assertEquals(ContractsTest.infra(objects).path("metadata").path("namespace").asText(), Objects.name(ns));
        objects.stream().filter(o -> o != ns).forEach(o ->
                assertTrue(wave(o) > wave(ns), id(o) + " (wave " + wave(o) + ") is not after the Namespace (wave " + wave(ns) + ")"));
    }

    @Test
    void theKindOverlayOrdersInfrastructureTopicsAndServices() {
        List<JsonNode> objects = Kustomize.overlay("kind");
        List<String> problems = new ArrayList<>();
        int kafka = ofKind(objects, "Kafka").mapToInt(SyncOrderTest::wave).max().orElseThrow();
        int topics = ofKind(objects, "KafkaTopic").mapToInt(SyncOrderTest::wave).min().orElseThrow();
        if (topics <= kafka) {
            problems.add("KafkaTopics (wave " + topics + ") must come after Kafka (wave " + kafka + ") is Ready");
        }
        int infra = workloads(objects).filter(w -> !SERVICES.contains(Objects.name(w))).mapToInt(SyncOrderTest::wave).max().orElseThrow();
        objects.stream().filter(o -> SERVICES.contains(o.path("metadata").path("labels").path("app.kubernetes.io/name").asText()))
                .filter(o -> wave(o) <= Math.max(topics, infra))
                .forEach(o -> problems.add(id(o) + " (wave " + wave(o) + ") must come after the topics and the infrastructure"));
        assertEquals(List.of(), problems);
    }

    /** Nothing waits for an object of a later wave: a pod's ConfigMaps, Secrets, ServiceAccount. */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyObjectAWorkloadNeedsIsInTheSameOrAnEarlierWave(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        workloads(objects).forEach(w -> {
            JsonNode pod = w.path("spec").path("template").path("spec");
            List<String[]> needs = new ArrayList<>();
            if (pod.has("serviceAccountName")) {
                needs.add(new String[] {"ServiceAccount", pod.path("serviceAccountName").asText()});
            }
            elements(pod.path("volumes")).filter(v -> v.has("configMap"))
                    .forEach(v -> needs.add(new String[] {"ConfigMap", v.path("configMap").path("name").asText()}));
            containers(w).forEach(c -> {
                elements(c.path("envFrom")).forEach(ef -> {
                    if (ef.has("configMapRef")) {
                        needs.add(new String[] {"ConfigMap", ef.path("configMapRef").path("name").asText()});
                    }
                });
                elements(c.path("env")).forEach(e -> {
                    JsonNode from = e.path("valueFrom");
                    if (from.has("configMapKeyRef")) {
                        needs.add(new String[] {"ConfigMap", from.path("configMapKeyRef").path("name").asText()});
                    }
                    if (from.has("secretKeyRef")) {
                        needs.add(new String[] {"Secret", from.path("secretKeyRef").path("name").asText()});
                    }
                });
            });
            for (String[] need : needs) {
                Optional<JsonNode> o = Objects.find(objects, need[0], need[1]);
                o.filter(x -> wave(x) > wave(w)).ifPresent(x ->
                        problems.add(id(w) + " (wave " + wave(w) + ") needs " + id(x) + " of the later wave " + wave(x)));
            }
        });
        objects.stream().filter(o -> kind(o).equals("ScaledObject") || kind(o).equals("HorizontalPodAutoscaler"))
                .forEach(a -> Objects.find(objects, "Deployment", a.path("spec").path("scaleTargetRef").path("name").asText())
                        .filter(d -> wave(d) > wave(a))
                        .ifPresent(d -> problems.add(id(a) + " scales " + id(d) + " of a later wave")));
        assertEquals(List.of(), problems);
    }
}
