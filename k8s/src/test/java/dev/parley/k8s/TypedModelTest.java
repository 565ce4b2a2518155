package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rendered object is a kind we know, and reads into its typed model with no unknown field. */
class TypedModelTest {

    /** Custom resources without a typed model here; checked by {@link CustomResourceTest}. */
    static final Set<String> CUSTOM = Set.of("keda.sh/v1alpha1/ScaledObject",
            "argoproj.io/v1alpha1/AppProject", "argoproj.io/v1alpha1/ApplicationSet",
            "argoproj.io/v1alpha1/Application", "monitoring.coreos.com/v1/ServiceMonitor",
            "monitoring.coreos.com/v1/PrometheusRule");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/kind", "overlays/production", "argocd", "argocd/bootstrap"})
    void everyObjectReadsIntoItsTypedModelWithNoUnknownField(String dir) {
        List<JsonNode> objects = Kustomize.render(dir);
        assertFalse(objects.isEmpty(), dir + " renders nothing");
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            String key = StrictModels.typeKey(o);
            if (CUSTOM.contains(key)) {
                continue;
            }
            if (!StrictModels.isTyped(o)) {
                problems.add(Objects.id(o) + ": unexpected apiVersion/kind " + key);
                continue;
            }
            try {
                StrictModels.read(o);
            } catch (Exception e) {
                problems.add(Objects.id(o) + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (Objects.name(o).isEmpty()) {
                problems.add(key + " without metadata.name");
            }
        }
        assertEquals(List.of(), problems, "objects of " + dir + " that do not validate");
    }

    @Test
    void aMisspeltFieldIsRefused() throws Exception {
        JsonNode deployment = Objects.find(Kustomize.overlay("kind"), "Deployment", "gateway").orElseThrow().deepCopy();
        StrictModels.read(deployment); // valid as rendered
        ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.path("spec").path("template").path("spec")
                .path("containers").get(0)).put("imagePulPolicy", "Always");
        Exception e = assertThrows(Exception.class, () -> StrictModels.read(deployment));
        assertTrue(e.getMessage().contains("imagePulPolicy"), e.getMessage());
    }

    @Test
    void aFieldAtTheWrongLevelIsRefused() {
        JsonNode deployment = Objects.find(Kustomize.overlay("kind"), "Deployment", "gateway").orElseThrow().deepCopy();
        // "image" belongs to a container, not to the pod spec.
        ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.path("spec").path("template").path("spec"))
                .put("image", "parley/gateway:1.0.0");
        assertThrows(Exception.class, () -> StrictModels.read(deployment));
    }

    @Test
    void strimziResourcesAreTypedTooAndRefuseUnknownFields() throws Exception {
        JsonNode topic = Objects.ofKind(Kustomize.overlay("kind"), "KafkaTopic").findFirst().orElseThrow().deepCopy();
        assertTrue(StrictModels.isTyped(topic));
        StrictModels.read(topic);
        ((com.fasterxml.jackson.databind.node.ObjectNode) topic.path("spec")).put("partition", 3);
        Exception e = assertThrows(Exception.class, () -> StrictModels.read(topic));
        assertTrue(e.getMessage().contains("partition"), e.getMessage());
        JsonNode kafka = Objects.ofKind(Kustomize.overlay("kind"), "Kafka").findFirst().orElseThrow().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) kafka.path("spec").path("kafka").path("listeners").get(0)).put("tsl", false);
        assertThrows(Exception.class, () -> StrictModels.read(kafka));
    }

    @Test
    void aWrongScalarTypeIsRefused() {
        JsonNode hpa = Objects.find(Kustomize.overlay("kind"), "HorizontalPodAutoscaler", "gateway").orElseThrow().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) hpa.path("spec")).put("maxReplicas", "three");
        assertThrows(Exception.class, () -> StrictModels.read(hpa));
    }
}
