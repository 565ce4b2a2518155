package dev.parley.k8s;

import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Argo CD objects and the kind cluster config fit the tree they point at. */
class ArgoCdTest {

    private final List<JsonNode> argocd = Kustomize.render("argocd");

    private JsonNode appSet() {
        List<JsonNode> sets = ofKind(argocd, "ApplicationSet").toList();
        assertEquals(1, sets.size(), "one ApplicationSet");
        return sets.get(0);
    }

    /** The fleet's project (parley-platform is the operators'). */
    private JsonNode project() {
        return Objects.find(argocd, "AppProject", "parley").orElseThrow(() -> new AssertionError("no AppProject parley"));
    }

    /** The git generators of an ApplicationSet, also those inside a matrix. */
    static List<JsonNode> gitGenerators(JsonNode appSet) {
        return elements(appSet.path("spec").path("generators"))
                .flatMap(g -> g.has("matrix") ? elements(g.path("matrix").path("generators")) : java.util.stream.Stream.of(g))
                .map(g -> g.path("git")).filter(g -> !g.isMissingNode()).toList();
    }

    @Test
    void theApplicationSetGeneratesOneApplicationPerOverlayDirectory() throws IOException {
        List<JsonNode> dirs = gitGenerators(appSet()).stream().flatMap(g -> elements(g.path("directories"))).toList();
        assertFalse(dirs.isEmpty(), "a git directory generator");
        Set<String> matched = new TreeSet<>();
        Path root = Kustomize.repoRoot();
        for (JsonNode d : dirs) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + d.path("path").asText());
            try (Stream<Path> walk = Files.walk(root.resolve("k8s"), 3)) {
                walk.filter(Files::isDirectory).map(root::relativize)
                        .filter(m::matches).forEach(p -> matched.add(p.toString().replace('\\', '/')));
            }
        }
        Set<String> overlays = new TreeSet<>();
        Kustomize.OVERLAYS.forEach(o -> overlays.add("k8s/overlays/" + o));
        assertEquals(overlays, matched, "the generator's directories are exactly the overlays");
        overlays.forEach(o -> assertTrue(Files.exists(root.resolve(o).resolve("kustomization.yaml")), o));
    }

    @Test
    void applicationsSyncAutomaticallyWithPruneSelfHealAndCreateTheirNamespace() {
        JsonNode tpl = appSet().path("spec").path("template");
        assertFalse(tpl.path("metadata").path("name").asText().isEmpty(), "template.metadata.name is required");
        JsonNode spec = tpl.path("spec");
        assertEquals(ofKind(argocd, "AppProject").findFirst().map(Objects::name).orElse(""), spec.path("project").asText());
        for (String f : List.of("repoURL", "path", "targetRevision")) {
            assertFalse(spec.path("source").path(f).asText().isEmpty(), "template.spec.source." + f + " is required");
        }
        JsonNode dest = spec.path("destination");
        assertTrue(dest.has("name") ^ dest.has("server"), "destination needs exactly one of name / server");
        assertEquals("parley", dest.path("namespace").asText());
        JsonNode automated = spec.path("syncPolicy").path("automated");
        assertTrue(automated.path("prune").asBoolean(), "automated.prune");
        assertTrue(automated.path("selfHeal").asBoolean(), "automated.selfHeal");
        assertTrue(elements(spec.path("syncPolicy").path("syncOptions")).anyMatch(o -> o.asText().equals("CreateNamespace=true")));
        String repo = spec.path("source").path("repoURL").asText();
        assertFalse(gitGenerators(appSet()).isEmpty(), "a git generator");
        gitGenerators(appSet()).forEach(g ->
                assertEquals(repo, g.path("repoURL").asText(), "generator and source read the same repository"));
        assertTrue(elements(project().path("spec").path("sourceRepos")).anyMatch(r -> r.asText().equals(repo)),
                "the AppProject allows the repository");
    }

    @Test
    void theProjectAllowsEveryOverlayItsNamespaceAndEveryKindItRenders() {
        JsonNode spec = project().path("spec");
        List<String> problems = new ArrayList<>();
        for (String overlay : Kustomize.OVERLAYS) {
            List<JsonNode> objects = Kustomize.overlay(overlay);
            String ns = ContractsTest.infra(objects).path("metadata").path("namespace").asText();
            boolean dest = elements(spec.path("destinations")).anyMatch(d -> d.path("name").asText().equals(overlay)
                    && d.path("namespace").asText().equals(ns));
            if (!dest) {
                problems.add("no AppProject destination for cluster " + overlay + ", namespace " + ns);
            }
            objects.forEach(o -> {
                String apiVersion = o.path("apiVersion").asText();
                String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
                if (Objects.kind(o).equals("Namespace")) {
                    boolean allowed = elements(spec.path("clusterResourceWhitelist"))
                            .anyMatch(w -> w.path("group").asText().equals("") && w.path("kind").asText().equals("Namespace"));
                    if (!allowed || !Objects.name(o).equals(ns)) {
                        problems.add(overlay + ": Namespace " + Objects.name(o) + " (allowed: " + allowed + ", the overlay's is " + ns + ")");
                    }
                    return;
                }
                boolean allowed = elements(spec.path("namespaceResourceWhitelist"))
                        .anyMatch(w -> w.path("group").asText().equals(group) && w.path("kind").asText().equals(Objects.kind(o)));
                if (!allowed) {
                    problems.add(overlay + ": " + group + "/" + Objects.kind(o) + " is not in the AppProject's namespaceResourceWhitelist");
                }
                if (!o.path("metadata").path("namespace").asText().equals(ns)) {
                    problems.add(overlay + ": " + Objects.id(o) + " is outside namespace " + ns);
                }
            });
        }
        assertEquals(List.of(), problems.stream().distinct().toList());
    }

    @Test
    void theKindClusterMapsTheIngressPortsToTheLabelledNode() throws IOException {
        JsonNode cfg = new ObjectMapper(new YAMLFactory()).readTree(Kustomize.k8sDir().resolve("kind-config.yaml").toFile());
        assertEquals("Cluster", cfg.path("kind").asText());
        assertEquals("kind.x-k8s.io/v1alpha4", cfg.path("apiVersion").asText());
        JsonNode cp = elements(cfg.path("nodes")).filter(n -> n.path("role").asText().equals("control-plane")).findFirst().orElseThrow();
        Set<Integer> ports = new TreeSet<>();
        elements(cp.path("extraPortMappings")).forEach(p -> ports.add(p.path("containerPort").asInt()));
        assertTrue(ports.containsAll(Set.of(80, 443)), "ports 80 and 443 reach the ingress controller: " + ports);
        assertTrue(cp.path("kubeadmConfigPatches").toString().contains("ingress-ready=true"), "the ingress controller's node label");
    }
}
