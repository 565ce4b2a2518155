package dev.parley.k8s;

import static dev.parley.k8s.Objects.elements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Versions are pinned once and agree everywhere: the kind node image by digest, the operator
 * releases in the Makefile and the Argo CD Applications (and Strimzi's in the typed model), every
 * download fetched at a pinned URL through fetch-pinned.sh, which refuses what sha256sum -c does
 * not accept.
 */
class VersionsTest {

    private static final Pattern MAKE_VAR = Pattern.compile("^([A-Z_]+_VERSION) [?:]?= *(\\S+)$", Pattern.MULTILINE);

    static String makefile() {
        return Kustomize.readFile(Kustomize.repoRoot().resolve("Makefile"));
    }

    static Map<String, String> makeVersions() {
        return MAKE_VAR.matcher(makefile()).results().collect(Collectors.toMap(m -> m.group(1), m -> m.group(2)));
    }

    @Test
    void everyKindNodeRunsTheSameImagePinnedByDigest() throws IOException {
        JsonNode cfg = new ObjectMapper(new YAMLFactory()).readTree(Kustomize.k8sDir().resolve("kind-config.yaml").toFile());
        Set<String> images = elements(cfg.path("nodes")).map(n -> n.path("image").asText("")).collect(Collectors.toSet());
        assertEquals(1, images.size(), "one image for every node: " + images);
        String image = images.iterator().next();
        assertTrue(image.matches("kindest/node:v\\d+\\.\\d+\\.\\d+@sha256:[0-9a-f]{64}"), "tag and digest: " + image);
        assertTrue(makefile().contains("kind version | grep -q 'v$(KIND_VERSION) '"), "make kind-up checks the kind release the image was built for");
        assertTrue(makeVersions().containsKey("KIND_VERSION"));
    }

    @Test
    void theOperatorApplicationsInstallTheMakefilesReleases() {
        Map<String, String> make = makeVersions();
        List<JsonNode> argocd = Kustomize.render("argocd");
        Map<String, String> charts = Objects.ofKind(argocd, "Application").collect(Collectors.toMap(Objects::name,
                a -> a.path("spec").path("source").path("targetRevision").asText()));
        // Strimzi's and KEDA's charts carry the release's own version.
        assertEquals(make.get("STRIMZI_VERSION"), charts.get("strimzi-cluster-operator"));
        assertEquals(make.get("KEDA_VERSION"), charts.get("keda"));
        // ingress-nginx charts 4.x ship controller 1.x of the same minor and patch.
        assertEquals(make.get("INGRESS_NGINX_VERSION").replaceFirst("^1\\.", "4."), charts.get("ingress-nginx"));
        // The typed Strimzi models are the operator's own release.
        String pom = Kustomize.readFile(Kustomize.k8sDir().resolve("pom.xml"));
        assertTrue(pom.contains("<strimzi.api.version>" + make.get("STRIMZI_VERSION") + "</strimzi.api.version>"), "io.strimzi:api = STRIMZI_VERSION");
    }

    @Test
    void theDeployDocStatesEveryVersion() {
        String doc = Kustomize.readFile(Kustomize.repoRoot().resolve("docs/deploy.md"));
        List<String> missing = new ArrayList<>();
        makeVersions().forEach((k, v) -> {
            if (!doc.contains(v)) {
                missing.add(k + "=" + v);
            }
        });
        assertEquals(List.of(), missing, "docs/deploy.md names every version the Makefile pins");
    }

    /** Every URL the Makefile downloads: only through $(FETCH), at a URL naming a version variable. */
    @Test
    void everyDownloadIsPinnedAndChecksummed() {
        String make = makefile();
        List<String> problems = new ArrayList<>();
        for (String line : make.lines().filter(l -> l.startsWith("\t")).toList()) {
            if (line.matches(".*\\bcurl\\b.*\\|.*") || line.matches(".*apply .*-f +https?://.*") || line.contains("wget ")) {
                problems.add("a download not verified before use: " + line.strip());
            }
        }
        Matcher fetch = Pattern.compile("\\$\\(FETCH\\) (https://\\S+) \\\\?\\s*(\\S+)\\)").matcher(make.replace("\\\n", " "));
        int fetches = 0;
        while (fetch.find()) {
            fetches++;
            if (!fetch.group(1).matches(".*\\$\\([A-Z_]+_VERSION\\).*") || !fetch.group(2).matches(".*\\$\\([A-Z_]+_VERSION\\).*")) {
                problems.add("unversioned download (URL and file name must carry the version): " + fetch.group(1) + " " + fetch.group(2));
            }
        }
        assertEquals(5, fetches, "ingress-nginx, metrics-server, Strimzi, KEDA, Argo CD");
        assertEquals(List.of(), problems);
        // Committed checksums are well-formed: 64 hex digits, two spaces, a file name.
        Kustomize.readFile(Kustomize.k8sDir().resolve("downloads.sha256")).lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> assertTrue(l.matches("[0-9a-f]{64}  [A-Za-z0-9._-]+"), "downloads.sha256: " + l));
    }

    /** fetch-pinned.sh offline, on a file:// URL: refuses the unknown, accepts the recorded, refuses a changed file. */
    @Test
    void fetchPinnedRefusesWhatItCannotVerify() throws Exception {
        Path tmp = Files.createTempDirectory("fetch-pinned");
        Path asset = Files.writeString(tmp.resolve("asset.yaml"), "kind: List\n");
        Path sums = Files.writeString(tmp.resolve("sums"), "# test\n");
        Path downloads = tmp.resolve("downloads");
        String url = asset.toUri().toString();
        assertEquals(3, fetch(url, sums, downloads), "no committed checksum: recorded and refused");
        assertTrue(Files.readString(sums).matches("(?s).*[0-9a-f]{64}  asset\\.yaml\n"), "the checksum line was appended");
        assertEquals(0, fetch(url, sums, downloads), "a recorded checksum verifies");
        Files.writeString(downloads.resolve("asset.yaml"), "kind: List\nitems: []\n");
        assertEquals(1, fetch(url, sums, downloads), "a changed download is refused");
    }

    private static int fetch(String url, Path sums, Path downloads) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", Kustomize.k8sDir().resolve("scripts/fetch-pinned.sh").toString(), url, "asset.yaml", sums.toString())
                .redirectErrorStream(true);
        pb.environment().put("PARLEY_DOWNLOADS", downloads.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fetch-pinned.sh timed out: " + out);
        assertFalse(out.isEmpty() && p.exitValue() != 0, "no message for a refusal");
        return p.exitValue();
    }

    @Test
    void theVersionsAreDistinctAndPinned() {
        Set<String> unpinned = new TreeSet<>();
        makeVersions().forEach((k, v) -> {
            if (!v.matches("\\d+\\.\\d+\\.\\d+")) {
                unpinned.add(k + "=" + v);
            }
        });
        assertEquals(Set.of(), unpinned, "every *_VERSION is an exact release");
    }
}
