package dev.parley.k8s;

import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.id;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The app of apps (argocd/bootstrap → argocd → operators + the fleet's ApplicationSet): every source
 * pinned, waves putting the operators before the fleet, only registered clusters targeted, the
 * operators where the network policies expect them, no credentials in git.
 */
class ArgoCdAppsTest {

    /** A release (1.2.3, v1.2.3) or a full commit: never a branch, HEAD, latest or a version range. */
    static final Pattern PINNED = Pattern.compile("^v?\\d+\\.\\d+\\.\\d+$|^[0-9a-f]{40}$");

    static List<JsonNode> all() {
        List<JsonNode> objects = new ArrayList<>(Kustomize.render("argocd"));
        objects.addAll(Kustomize.render("argocd/bootstrap"));
        return objects;
    }

    /** Application specs: the Applications, and the template of every ApplicationSet. */
    static Map<String, JsonNode> applicationSpecs(List<JsonNode> objects) {
        return objects.stream().filter(o -> Objects.kind(o).equals("Application") || Objects.kind(o).equals("ApplicationSet"))
                .collect(Collectors.toMap(Objects::id, o -> Objects.kind(o).equals("Application") ? o.path("spec")
                        : o.path("spec").path("template").path("spec")));
    }

    static Stream<JsonNode> sources(JsonNode appSpec) {
        return appSpec.has("sources") ? elements(appSpec.path("sources")) : Stream.of(appSpec.path("source"));
    }

    static List<String> unpinned(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        applicationSpecs(objects).forEach((id, spec) -> sources(spec).forEach(src -> {
            String rev = src.path("targetRevision").asText("");
            if (!PINNED.matcher(rev).matches()) {
                problems.add(id + ": source " + src.path("repoURL").asText() + " targetRevision '" + rev + "' is not a pinned version or commit");
            }
        }));
        ofKind(objects, "ApplicationSet").forEach(set -> ArgoCdTest.gitGenerators(set).forEach(g -> {
            if (!PINNED.matcher(g.path("revision").asText("")).matches()) {
                problems.add(id(set) + ": git generator revision '" + g.path("revision").asText() + "' is not pinned");
            }
        }));
        return problems;
    }

    @Test
    void everySourceHasAPinnedRevision() {
        List<JsonNode> objects = all();
        assertTrue(applicationSpecs(objects).size() >= 6, "root, four operators and the fleet: " + applicationSpecs(objects).keySet());
        assertEquals(List.of(), unpinned(objects));
    }

    @Test
    void aBranchOrRangeIsCaught() {
        for (String rev : List.of("HEAD", "main", "latest", "2.*", ">=1.0.0", "")) {
            List<JsonNode> objects = all().stream().<JsonNode>map(o -> o.deepCopy()).collect(Collectors.toList());
            JsonNode keda = Objects.find(objects, "Application", "keda").orElseThrow();
            ((com.fasterxml.jackson.databind.node.ObjectNode) keda.path("spec").path("source")).put("targetRevision", rev);
            assertTrue(unpinned(objects).stream().anyMatch(p -> p.startsWith("Application/keda")), rev);
        }
    }

    @Test
    void wavesPutTheProjectsThenTheOperatorsBeforeTheFleet() {
        List<JsonNode> objects = Kustomize.render("argocd");
        List<JsonNode> operators = ofKind(objects, "Application")
                .filter(a -> a.path("spec").path("project").asText().equals("parley-platform")).toList();
        assertEquals(List.of("strimzi-cluster-operator", "keda", "ingress-nginx", "metrics-server").stream().sorted().toList(),
                operators.stream().map(Objects::name).sorted().toList(), "the operators are Applications");
        int projects = ofKind(objects, "AppProject").mapToInt(SyncOrderTest::wave).max().orElseThrow();
        int firstOperator = operators.stream().mapToInt(SyncOrderTest::wave).min().orElseThrow();
        int lastOperator = operators.stream().mapToInt(SyncOrderTest::wave).max().orElseThrow();
        int fleet = ofKind(objects, "ApplicationSet").mapToInt(SyncOrderTest::wave).min().orElseThrow();
        assertTrue(projects < firstOperator, "AppProjects (wave " + projects + ") before the operators (" + firstOperator + ")");
        assertTrue(lastOperator < fleet, "operators (wave " + lastOperator + ") before the fleet's ApplicationSet (" + fleet + ")");
        // Waves wait for health; Argo CD only knows an Application's health with this customization.
        JsonNode cm = Objects.find(Kustomize.render("argocd/bootstrap"), "ConfigMap", "argocd-cm").orElseThrow();
        assertTrue(cm.path("data").path("resource.customizations.health.argoproj.io_Application").asText().contains("obj.status.health"),
                "argocd-cm gives Applications a health, so the root's waves wait for the operators");
        JsonNode root = Objects.find(Kustomize.render("argocd/bootstrap"), "Application", "parley-root").orElseThrow();
        assertEquals("k8s/argocd", root.path("spec").path("source").path("path").asText(), "the root syncs k8s/argocd");
    }

    @Test
    void theFleetTargetsOnlyClustersRegisteredForAnOverlay() {
        JsonNode set = Objects.find(Kustomize.render("argocd"), "ApplicationSet", "parley").orElseThrow();
        List<JsonNode> children = elements(set.path("spec").path("generators")).flatMap(g -> elements(g.path("matrix").path("generators"))).toList();
        assertEquals(2, children.size(), "a matrix of the overlay directories and the clusters");
        assertTrue(children.get(0).has("git"), "directories first: the cluster selector uses their basename");
        assertEquals("{{.path.basename}}", children.get(1).path("clusters").path("selector").path("matchLabels").path("parley.dev/overlay").asText(),
                "only clusters labelled for the overlay");
        assertEquals("{{.name}}", set.path("spec").path("template").path("spec").path("destination").path("name").asText(),
                "the destination is a cluster the generator found, never a name that may not be registered");
    }

    @Test
    void everyApplicationStaysInsideItsProject() {
        List<JsonNode> objects = all();
        List<String> problems = new ArrayList<>();
        applicationSpecs(objects).forEach((id, spec) -> {
            String project = spec.path("project").asText();
            if (project.equals("default")) {
                return; // the root: Argo CD's built-in project
            }
            JsonNode p = Objects.find(objects, "AppProject", project).orElse(null);
            if (p == null) {
                problems.add(id + ": no AppProject " + project);
                return;
            }
            sources(spec).forEach(src -> {
                if (elements(p.path("spec").path("sourceRepos")).noneMatch(r -> r.asText().equals(src.path("repoURL").asText()))) {
                    problems.add(id + ": repository " + src.path("repoURL").asText() + " not in project " + project);
                }
            });
            JsonNode dest = spec.path("destination");
            boolean allowed = elements(p.path("spec").path("destinations")).anyMatch(d ->
                    d.path("namespace").asText().equals(dest.path("namespace").asText())
                            && (dest.has("server") ? d.path("server").asText().equals(dest.path("server").asText())
                                    : dest.path("name").asText().startsWith("{{") || d.path("name").asText().equals(dest.path("name").asText())));
            if (!allowed) {
                problems.add(id + ": destination " + dest + " not allowed by project " + project);
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void theOperatorsRunWhereTheNetworkPoliciesExpectThem() {
        List<JsonNode> objects = Kustomize.render("argocd");
        String kindNamespace = ContractsTest.infra(Kustomize.overlay("kind")).path("metadata").path("namespace").asText();
        Map<String, String> expected = Map.of(
                "keda", NetworkPolicyFlowTest.KEDA_OPERATOR.namespace(),
                "ingress-nginx", NetworkPolicyFlowTest.INGRESS_CONTROLLERS.get("nginx").namespace(),
                // The kind overlay's policies admit the cluster operator from its own namespace.
                "strimzi-cluster-operator", kindNamespace);
        expected.forEach((app, ns) -> assertEquals(ns, Objects.find(objects, "Application", app).orElseThrow()
                .path("spec").path("destination").path("namespace").asText(), app));
    }

    @Test
    void noCredentialIsInGit() throws IOException {
        all().forEach(o -> assertFalse(Objects.kind(o).equals("Secret"), id(o) + ": Secrets are created in the cluster, never committed"));
        List<String> found;
        try (Stream<Path> files = Files.walk(Kustomize.k8sDir())) {
            found = files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> Pattern.compile("argocd\\.argoproj\\.io/secret-type:\\s*(repository|repo-creds|cluster)")
                            .matcher(Kustomize.readFile(f)).find())
                    .map(f -> Kustomize.k8sDir().relativize(f).toString()).toList();
        }
        assertEquals(List.of(), found, "repository and cluster credentials are Secrets created by hand or by make argocd");
    }
}
