package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Many idle connections on one ws-service pod (make bench): heap after a full GC and RSS with N
 * authenticated, welcomed, idle sockets, against the same pod's figures before they connected
 * (the baseline of the same run). Target: 10,000 connections under 1 GB heap.
 */
@Tag("bench")
class IdleConnectionsBenchmark {

    private static final int CONNECTIONS = Integer.getInteger("bench.idle.connections", 10_000);

    @Test
    void idleConnectionsOnOnePod() throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        try (ChatFleet fleet = new ChatFleet()) {
            ServiceProcess pod = fleet.wsA;
            long heapBefore = pod.heapUsedAfterGcMiB();
            long rssBefore = pod.rssMiB();
            AtomicInteger welcomed = new AtomicInteger();
            List<LoadClient> clients = new ArrayList<>(CONNECTIONS);
            long start = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                String user = "idle" + i;
                clients.add(LoadClient.connect(pod.wsUrl(), fleet.tokens.mint(user, null, Duration.ofHours(1)), "d" + i,
                        f -> {
                            if ("welcome".equals(f.type())) {
                                welcomed.incrementAndGet();
                            }
                        }));
            }
            double connectSeconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (welcomed.get() < CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(CONNECTIONS, welcomed.get(), "every connection welcomed");
            Thread.sleep(5_000); // idle: heartbeats and presence refreshes run
            long heapAfter = pod.heapUsedAfterGcMiB();
            long rssAfter = pod.rssMiB();
            report.put("connections", CONNECTIONS);
            report.put("connectSeconds", Math.round(connectSeconds * 10) / 10.0);
            report.put("reopenedWithoutWelcome", LoadClient.retriedWithoutWelcome());
            report.put("closedBeforeWelcome", LoadClient.closedBeforeWelcome());
            // welcomes the pod sent (reopened sockets included): more than the client saw means frames lost on the way
            report.put("podWelcomesSent", (long) StageMetrics.value(pod, "parley_ws_welcomes_total"));
            report.put("podFramesUnwritten", (long) StageMetrics.value(pod, "parley_ws_frames_unwritten_total"));
            report.put("heapAfterGcMiB", Map.of("before", heapBefore, "after", heapAfter));
            report.put("rssMiB", Map.of("before", rssBefore, "after", rssAfter));
            report.put("heapKiBPerConnection", Math.round((heapAfter - heapBefore) * 1024.0 / CONNECTIONS * 10) / 10.0);
            report.put("jvmOptions", System.getProperty("parley.service.jvm-options", ""));
            for (LoadClient c : clients) {
                c.abort();
            }
        }
        String text = String.format("idle connections: %s%n", report);
        Path dir = Files.createDirectories(Path.of("target", "bench"));
        Files.writeString(dir.resolve("idle-connections.json"), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        Files.writeString(dir.resolve("idle-connections.txt"), text);
        System.out.print(text);
    }
}
