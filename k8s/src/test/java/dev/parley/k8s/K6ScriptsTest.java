package dev.parley.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The k6 scripts parse as ES modules (node's syntax check in module mode: imports of 'k6/…' are
 * not resolved, only parsed), and each scenario script has what a k6 run needs: options with
 * scenarios and thresholds, and a handleSummary writing JSON. Running them needs k6 and a cluster.
 */
class K6ScriptsTest {

    static Path k6Dir() {
        return Kustomize.repoRoot().resolve("k6");
    }

    static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.walk(k6Dir())) {
            return s.filter(p -> p.toString().endsWith(".js") && !p.toString().contains("node_modules")
                    && !p.toString().contains("/results/")).sorted().toList();
        }
    }

    /** Exit code and output of node's module-mode syntax check. */
    static Result nodeCheck(Path file) {
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("parley.node", "node"),
                "--experimental-default-type=module", "--check", file.toString()).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail("node --check " + file + " did not finish");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return fail("node (Node.js 20+) is needed to syntax-check the k6 scripts and was not found: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    record Result(int exit, String output) {
    }

    @Test
    void theCheckerRejectsABrokenModule(@TempDir Path tmp) throws IOException {
        Path ok = tmp.resolve("ok.js");
        Files.writeString(ok, "import { WebSocket } from 'k6/websockets';\nexport default function () { const f = (x) => x ?? 1; }\n");
        Path bad = tmp.resolve("bad.js");
        Files.writeString(bad, "import { WebSocket } from 'k6/websockets';\nexport default function () { const f = ) => 1; }\n");
        assertEquals(0, nodeCheck(ok).exit(), "a valid module passes");
        assertNotEquals(0, nodeCheck(bad).exit(), "a syntax error fails");
    }

    @Test
    void everyK6ScriptParsesAsAnEsModule() throws IOException {
        List<Path> files = scripts();
        assertTrue(files.size() >= 4, "k6 scripts found: " + files);
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            Result r = nodeCheck(f);
            if (r.exit() != 0) {
                problems.add(k6Dir().relativize(f) + ":\n" + r.output());
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyScenarioScriptHasScenariosThresholdsAndAJsonSummary() throws IOException {
        for (String name : List.of("chat.js", "seat-rush.js", "rest.js")) {
            String js = Files.readString(k6Dir().resolve(name));
            assertTrue(js.contains("from './lib/config.js'"), name + " takes its settings from lib/config.js");
            assertTrue(js.contains("export const options"), name + " exports options");
            assertTrue(js.contains("scenariosFor("), name + " uses the shared smoke/load/spike scenarios");
            assertTrue(js.contains("thresholds:"), name + " declares thresholds");
            assertTrue(js.contains("export function handleSummary"), name + " writes a summary");
        }
        String config = Files.readString(k6Dir().resolve("lib/config.js"));
        for (String profile : List.of("smoke:", "load:", "spike:")) {
            assertTrue(config.contains(profile), "profile " + profile);
        }
        assertTrue(config.contains("JSON.stringify(data"), "the summary is JSON");
        assertTrue(config.contains("http_req_failed: ['rate<0.01']"), "error rate under 1 %");
        String chat = Files.readString(k6Dir().resolve("chat.js"));
        assertTrue(chat.contains("from 'k6/websockets'"), "chat uses k6/websockets, not the legacy k6/ws");
        assertFalse(chat.contains("'k6/ws'"));
        assertTrue(chat.contains("new Trend('chat_send_to_delivered'"), "send→delivered in a custom Trend");
        assertTrue(chat.contains("ws.close()"), "sockets are closed");
    }
}
