package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.FleetService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every service has a JVM and a native-micro Dockerfile whose base image is pinned, which runs as
 * a numeric non-root user (the Deployments' runAsNonRoot needs a numeric USER to verify) and
 * exposes the service's port. Building them needs Docker, which this check does not.
 */
class DockerfilesTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");
    private static final Pattern USER = Pattern.compile("(?m)^USER\\s+(\\S+)\\s*$");
    private static final Pattern EXPOSE = Pattern.compile("(?m)^EXPOSE\\s+(\\d+)");

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
                Matcher from = FROM.matcher(text);
                while (from.find()) {
                    String image = from.group(1);
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
}
