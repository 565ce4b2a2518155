package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The tree is written for kustomize v5 (kubectl 1.27+): a deprecated field renders today with a
 * warning and stops rendering in a later release, so a warning fails the build.
 */
class KustomizeSyntaxTest {

    static final List<String> RENDERED = Kustomize.RENDERED;

    /** Fields kustomize v5 deprecates, with what replaces them. */
    private static final Pattern DEPRECATED = Pattern.compile(
            "^(bases|patchesStrategicMerge|patchesJson6902|commonLabels|vars|imageTags):", Pattern.MULTILINE);

    @ParameterizedTest
    @FieldSource("RENDERED")
    void renderingPrintsNoWarning(String dir) {
        assertEquals("", Kustomize.warnings(dir).strip(), "kubectl kustomize " + dir + " printed on stderr");
    }

    @Test
    void noKustomizationOrComponentUsesADeprecatedField() throws IOException {
        List<String> problems;
        try (Stream<Path> files = Files.walk(Kustomize.k8sDir())) {
            problems = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .flatMap(f -> DEPRECATED.matcher(Kustomize.readFile(f)).results()
                            .map(m -> Kustomize.k8sDir().relativize(f) + ": " + m.group(1)
                                    + " (use resources / patches / labels / replacements)"))
                    .toList();
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyKustomizationDeclaresItsKind() throws IOException {
        List<String> problems;
        try (Stream<Path> files = Files.walk(Kustomize.k8sDir())) {
            problems = files.filter(f -> f.getFileName().toString().equals("kustomization.yaml"))
                    .filter(f -> !f.toString().contains("/target/"))
                    .filter(f -> !Pattern.compile("^kind: (Kustomization|Component)$", Pattern.MULTILINE)
                            .matcher(Kustomize.readFile(f)).find())
                    .map(f -> Kustomize.k8sDir().relativize(f) + ": no kind: Kustomization / Component")
                    .toList();
        }
        assertEquals(List.of(), problems);
    }
}
