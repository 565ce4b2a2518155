package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} (kustomize is built into kubectl) and reads
 * the output as JSON trees. A missing kubectl fails the test: validation that silently skips is no
 * validation (CI installs kubectl, see .ci/run).
 */
final class Kustomize {

    /** Overlay name to its rendered objects; rendering once per JVM keeps the suite fast. */
    private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();
    /** Directory to what kubectl printed on stderr while rendering it (warnings; empty when clean). */
    private static final Map<String, String> WARNINGS = new ConcurrentHashMap<>();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static final List<String> OVERLAYS = List.of("kind", "production");

    /** Every directory that is rendered on its own: the overlays, the Argo CD objects and their bootstrap. */
    static final List<String> RENDERED = List.of("overlays/kind", "overlays/production", "argocd", "argocd/bootstrap");

    private Kustomize() {
    }

    static Path k8sDir() {
        String dir = System.getProperty("parley.k8s.dir");
        return dir != null ? Path.of(dir) : Path.of("").toAbsolutePath();
    }

    static Path repoRoot() {
        return k8sDir().getParent();
    }

    static List<JsonNode> overlay(String name) {
        return render("overlays/" + name);
    }

    static List<JsonNode> render(String relativeDir) {
        return CACHE.computeIfAbsent(relativeDir, d -> {
            var stderr = new StringBuilder();
            List<JsonNode> objects = parse(run(k8sDir().resolve(d), stderr));
            WARNINGS.put(d, stderr.toString());
            return objects;
        });
    }

    /** What kubectl printed on stderr while rendering the directory (it renders it if needed). */
    static String warnings(String relativeDir) {
        render(relativeDir);
        return WARNINGS.get(relativeDir);
    }

    /**
     * Renders a kustomization written for the test (an overlay combined with an optional component,
     * as the Makefile combines them) under target/generated/&lt;name&gt;; paths in it are relative to
     * that directory, three levels below k8s/.
     */
    static List<JsonNode> renderGenerated(String name, String kustomization) {
        String dir = "target/generated/" + name;
        try {
            Path d = k8sDir().resolve(dir);
            Files.createDirectories(d);
            Files.writeString(d.resolve("kustomization.yaml"), kustomization);
        } catch (IOException e) {
            return fail("cannot write " + dir + ": " + e);
        }
        CACHE.remove(dir);
        return render(dir);
    }

    static String kubectl() {
        return System.getProperty("parley.kubectl", "kubectl");
    }

    static String run(Path dir, StringBuilder stderr) {
        ProcessBuilder pb = new ProcessBuilder(kubectl(), "kustomize", dir.toString());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return fail("kubectl is not installed (or not on PATH): the manifests are rendered with `kubectl kustomize`. "
                    + "Install it (Debian: apt-get install kubernetes-client; .ci/run does this) and run the tests again. "
                    + "Cause: " + e.getMessage());
        }
        try {
            // stderr carries only warnings when rendering succeeds; read both streams fully.
            Thread err = new Thread(() -> {
                try {
                    stderr.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the exit code tells
                }
            });
            err.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return fail("kubectl kustomize " + dir + " did not finish within 120 s");
            }
            err.join();
            if (process.exitValue() != 0) {
                return fail("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "):\n" + stderr);
            }
            return out;
        } catch (IOException e) {
            return fail("reading kubectl output: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    static List<JsonNode> parse(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    docs.add(node);
                }
            }
        } catch (IOException e) {
            fail("kubectl kustomize printed YAML that does not parse: " + e);
        }
        return docs;
    }

    static String readFile(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return fail("cannot read " + p + ": " + e);
        }
    }
}
