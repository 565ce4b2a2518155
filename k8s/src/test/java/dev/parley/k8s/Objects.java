package dev.parley.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Small queries over rendered objects (JSON trees). */
final class Objects {

    private Objects() {
    }

    static String kind(JsonNode o) {
        return o.path("kind").asText();
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static String id(JsonNode o) {
        return kind(o) + "/" + name(o);
    }

    static Stream<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(kind(o)));
    }

    static Optional<JsonNode> find(List<JsonNode> objects, String kind, String name) {
        return ofKind(objects, kind).filter(o -> name.equals(name(o))).findFirst();
    }

    /**
     * A generated object by the name it is written under: configMapGenerator appends a hash of the
     * content ("parley-infra-<10 chars>"), which every reference in the render carries too.
     */
    static Optional<JsonNode> findGenerated(List<JsonNode> objects, String kind, String name) {
        return ofKind(objects, kind).filter(o -> isGeneratedName(name(o), name)).findFirst();
    }

    static boolean isGeneratedName(String rendered, String name) {
        return rendered.length() == name.length() + 11 && rendered.startsWith(name + "-")
                && rendered.substring(name.length() + 1).matches("[a-z0-9]{10}");
    }

    /** Deployments and StatefulSets: the workloads that run pods the fleet owns. */
    static Stream<JsonNode> workloads(List<JsonNode> objects) {
        return objects.stream().filter(o -> kind(o).equals("Deployment") || kind(o).equals("StatefulSet"));
    }

    static Map<String, String> labels(JsonNode labelsNode) {
        Map<String, String> m = new TreeMap<>();
        labelsNode.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    static Map<String, String> podLabels(JsonNode workload) {
        return labels(workload.path("spec").path("template").path("metadata").path("labels"));
    }

    /** True when every selector label is on the pods (a Service or PDB selecting those pods). */
    static boolean selects(Map<String, String> selector, Map<String, String> podLabels) {
        return !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet());
    }

    static Stream<JsonNode> elements(JsonNode array) {
        Stream.Builder<JsonNode> b = Stream.builder();
        array.forEach(b);
        return b.build();
    }

    static Stream<JsonNode> containers(JsonNode workload) {
        return elements(workload.path("spec").path("template").path("spec").path("containers"));
    }

    /**
     * The literal environment of a workload's first container as the kubelet builds it: envFrom
     * ConfigMaps in order (a later one wins), then env entries (they win over envFrom). Values from
     * Secrets or the downward API are left out.
     */
    static Map<String, String> env(List<JsonNode> objects, JsonNode workload) {
        Map<String, String> env = new TreeMap<>();
        JsonNode c = containers(workload).findFirst().orElseThrow();
        elements(c.path("envFrom")).forEach(ef -> find(objects, "ConfigMap", ef.path("configMapRef").path("name").asText())
                .ifPresent(cm -> cm.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()))));
        elements(c.path("env")).forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            } else {
                JsonNode ref = e.path("valueFrom").path("configMapKeyRef");
                env.remove(e.path("name").asText());
                find(objects, "ConfigMap", ref.path("name").asText()).map(cm -> cm.path("data").path(ref.path("key").asText()))
                        .filter(v -> !v.isMissingNode()).ifPresent(v -> env.put(e.path("name").asText(), v.asText()));
            }
        });
        return env;
    }
}
