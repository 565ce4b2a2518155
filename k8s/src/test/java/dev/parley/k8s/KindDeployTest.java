package dev.parley.k8s;

import static dev.parley.k8s.Objects.containers;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.FleetService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * What make kind-up applies: the kind overlay with the images at the build's tag (written by
 * scripts/kind-kustomization.sh, rendered here as the Makefile renders it), so a rebuilt image rolls
 * the Deployments; and the StatefulSets' governing Services.
 */
class KindDeployTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;
    static final String TAG = "0123abcd4567-dirty20261208120000";

    static int script(String dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", Kustomize.k8sDir().resolve("scripts/kind-kustomization.sh").toString(),
                Kustomize.k8sDir().resolve(dir).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return p.exitValue();
    }

    static List<JsonNode> deployed(String name, String... extra) throws Exception {
        String dir = "target/generated/" + name;
        List<String> args = new ArrayList<>(List.of(TAG));
        args.addAll(List.of(extra));
        assertEquals(0, script(dir, args.toArray(String[]::new)));
        return Kustomize.render(dir);
    }

    static List<String> images(List<JsonNode> objects) {
        return Objects.workloads(objects).flatMap(w -> containers(w)).map(c -> c.path("image").asText()).toList();
    }

    @Test
    void everyServiceRunsTheBuildsTag() throws Exception {
        List<JsonNode> objects = deployed("kind-deploy");
        for (FleetService s : FleetService.values()) {
            JsonNode d = Objects.find(objects, "Deployment", s.serviceName()).orElseThrow();
            containers(d).forEach(c -> assertEquals("parley/" + s.serviceName() + ":" + TAG, c.path("image").asText(), s.serviceName()));
        }
        assertEquals("", Kustomize.warnings("target/generated/kind-deploy").strip());
        // The same pod template with another tag is a different template: the Deployment rolls.
        JsonNode plain = Objects.find(Kustomize.overlay("kind"), "Deployment", "gateway").orElseThrow();
        assertNotEquals(plain.path("spec").path("template"), Objects.find(objects, "Deployment", "gateway").orElseThrow()
                .path("spec").path("template"));
    }

    @Test
    void noRenderedKindImageIsLatestOrUntagged() throws Exception {
        List<String> problems = new ArrayList<>();
        for (List<JsonNode> objects : List.of(Kustomize.overlay("kind"), deployed("kind-deploy"), deployed("kind-deploy-monitoring", "monitoring"))) {
            images(objects).forEach(i -> {
                String tag = i.contains("@") ? "digest" : i.substring(i.lastIndexOf('/') + 1).contains(":") ? i.substring(i.lastIndexOf(':') + 1) : "";
                if (tag.isEmpty() || tag.equals("latest")) {
                    problems.add(i);
                }
            });
        }
        assertEquals(List.of(), problems, "images without a tag or with :latest");
    }

    @Test
    void monitoringIsAddedOnRequestOnly() throws Exception {
        assertEquals(0, ofKind(deployed("kind-deploy"), "ServiceMonitor").count());
        List<JsonNode> withMonitoring = deployed("kind-deploy-monitoring", "monitoring");
        assertEquals(FleetService.values().length, ofKind(withMonitoring, "ServiceMonitor").count());
        assertEquals("", Kustomize.warnings("target/generated/kind-deploy-monitoring").strip());
    }

    @Test
    void theScriptRefusesAMovingTag() throws Exception {
        assertEquals(2, script("target/generated/kind-deploy-refused", "latest"));
        assertEquals(2, script("target/generated/kind-deploy-refused", ""));
    }

    @Test
    void makeKindUpBuildsLoadsAndAppliesOneTagPerBuild() {
        String make = VersionsTest.makefile();
        assertTrue(make.contains("IMAGE_TAG := $(shell git rev-parse --short=12 HEAD"), "the tag comes from the commit");
        assertTrue(make.contains("-t parley/$$s:$(IMAGE_TAG)"), "images are built with it");
        assertTrue(make.contains("kind load docker-image parley/$$s:$(IMAGE_TAG)"), "and loaded with it");
        assertTrue(make.contains("k8s/scripts/kind-kustomization.sh $(KIND_DEPLOY) $(IMAGE_TAG)")
                && make.contains("apply -k $(KIND_DEPLOY)"), "and applied with it");
        assertTrue(!make.contains("apply -k k8s/overlays/kind"), "never the overlay's fixed tag");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyStatefulSetIsGovernedByAHeadlessServiceSelectingItsPods(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        ofKind(objects, "StatefulSet").forEach(sts -> {
            String svcName = sts.path("spec").path("serviceName").asText();
            JsonNode svc = Objects.find(objects, "Service", svcName).orElse(null);
            if (svc == null) {
                problems.add(Objects.id(sts) + ": no Service " + svcName);
            } else if (!"None".equals(svc.path("spec").path("clusterIP").asText())) {
                problems.add(Objects.id(sts) + ": Service " + svcName + " is not headless (clusterIP: None)");
            } else if (!Objects.selects(Objects.labels(svc.path("spec").path("selector")), Objects.podLabels(sts))) {
                problems.add(Objects.id(sts) + ": Service " + svcName + " does not select its pods");
            }
        });
        assertEquals(List.of(), problems);
        if (overlay.equals("kind")) {
            assertTrue(ofKind(objects, "StatefulSet").count() > 0, "kind runs PostgreSQL as a StatefulSet");
        }
    }
}
