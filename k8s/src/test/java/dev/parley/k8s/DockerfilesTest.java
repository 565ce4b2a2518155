package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.FleetService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every service has a JVM and a native-micro Dockerfile whose base image is pinned, which runs as
 * a numeric non-root user (the Deployments' runAsNonRoot needs a numeric USER to verify) and
 * exposes the service's port. Building them needs Docker or Podman (make images), which this check does not.
 */
class DockerfilesTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)");
    private static final Pattern ARG = Pattern.compile("(?m)^ARG\\s+(\\w+)=(\\S+)");
    private static final Pattern ARG_REF = Pattern.compile("\\$\\{(\\w+)}");

    @Test
    void everyServiceHasPinnedNonRootImagesExposingItsPort() {
        List<String> problems = new ArrayList<>();
        for (FleetService s : FleetService.values()) {
            for (String name : List.of("Dockerfile.jvm", "Dockerfile.native-micro")) {
                Path file = Kustomize.repoRoot().resolve(s.serviceName()).resolve("src/main/docker").resolve(name);
                String where = s.serviceName() + "/" + name;
                if (!Files.exists(file)) {
                    problems.add(where + ": missing");
                    continue;
                }
                String text = Kustomize.readFile(file);
                Map<String, String> args = new HashMap<>();
                Matcher arg = ARG.matcher(text);
                while (arg.find()) {
                    args.put(arg.group(1), arg.group(2));
                }
                Matcher from = FROM.matcher(text);
                while (from.find()) {
                    String image = resolve(from.group(1), args, where, problems);
                    String last = image.substring(image.lastIndexOf('/') + 1);
                    if (!last.contains(":") && !image.contains("@sha256:") || last.endsWith(":latest")) {
                        problems.add(where + ": base image " + image + " is not pinned");
                    }
                }
                Matcher user = USER.matcher(text);
                String lastUser = null;
                while (user.find()) {
                    lastUser = user.group(1);
                }
                if (lastUser == null || !lastUser.matches("[1-9][0-9]*(:[0-9]+)?")) {
                    problems.add(where + ": the final USER must be a numeric non-root uid, is " + lastUser);
                }
                Matcher expose = EXPOSE.matcher(text);
                if (!expose.find() || Integer.parseInt(expose.group(1)) != s.defaultPort()) {
                    problems.add(where + ": must EXPOSE " + s.defaultPort());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * The JVM images take their base as a build argument (make images passes the local base); the
     * default, the production base, is the published one and pinned like any FROM.
     */
    @Test
    void jvmImagesTakeTheirBaseAsABuildArgumentWhosePublishedDefaultIsPinned() {
        List<String> problems = new ArrayList<>();
        for (FleetService s : FleetService.values()) {
            String text = Kustomize.readFile(Kustomize.repoRoot().resolve(s.serviceName()).resolve("src/main/docker/Dockerfile.jvm"));
            Matcher from = FROM.matcher(text);
            if (!from.find() || !from.group(1).equals("${BASE_IMAGE}")) {
                problems.add(s.serviceName() + ": Dockerfile.jvm must build FROM ${BASE_IMAGE}");
            }
            Matcher arg = ARG.matcher(text);
            if (!arg.find() || !arg.group(1).equals("BASE_IMAGE") || arg.group(2).startsWith("localhost/")) {
                problems.add(s.serviceName() + ": Dockerfile.jvm must default BASE_IMAGE to the published base");
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * The local base (scripts/base-image.sh) stands in for the published one: the same numeric
     * non-root uid 185 and the entrypoint path the services' Dockerfile.jvm starts.
     */
    @Test
    void theLocalBaseHasThePublishedBasesUserAndEntrypoint() {
        Path dir = Kustomize.repoRoot().resolve("scripts/containers");
        String base = Kustomize.readFile(dir.resolve("Dockerfile.jre"));
        Matcher user = USER.matcher(base);
        String lastUser = null;
        while (user.find()) {
            lastUser = user.group(1);
        }
        assertEquals("185", lastUser, "the local base's USER");
        String entrypoint = "/opt/jboss/container/java/run/run-java.sh";
        assertTrue(base.contains("run-java.sh " + entrypoint), "the local base installs " + entrypoint);
        for (FleetService s : FleetService.values()) {
            String jvm = Kustomize.readFile(Kustomize.repoRoot().resolve(s.serviceName()).resolve("src/main/docker/Dockerfile.jvm"));
            assertTrue(jvm.contains("ENTRYPOINT [ \"" + entrypoint + "\" ]"), s.serviceName() + " starts " + entrypoint);
            assertTrue(jvm.contains("USER 185"), s.serviceName() + " runs as 185");
        }
    }

    private static String resolve(String image, Map<String, String> args, String where, List<String> problems) {
        Matcher ref = ARG_REF.matcher(image);
        StringBuilder out = new StringBuilder();
        while (ref.find()) {
            String value = args.get(ref.group(1));
            if (value == null) {
                problems.add(where + ": FROM " + image + " names an ARG without a default");
                value = "";
            }
            ref.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        ref.appendTail(out);
        return out.toString();
    }
}
