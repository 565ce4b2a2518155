package dev.parley.devinfra;

import dev.parley.contracts.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker + controller, one node), run in a child
 * JVM on the kafka-broker module's classpath so that its kafka-clients never meets Quarkus' own.
 * The same two main classes the distribution's shell scripts call are used: {@code StorageTool
 * format}, then {@code kafka.Kafka}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final String heap;
    /** Replaced by {@link #killAndRestart()}: the same broker (port, data directory) in a new process. */
    private volatile Process process;

    private KafkaBroker(int port, int controllerPort, Path dataDir, String heap) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        this.heap = heap;
    }

    /** Formats {@code dataDir} if it is new, starts the broker and waits until it answers. */
    public static KafkaBroker start(int port, Path dataDir, String heap) {
        KafkaBroker broker = new KafkaBroker(port, freePort(), dataDir, heap);
        broker.launch();
        return broker;
    }

    private void launch() {
        try {
            Files.createDirectories(dataDir);
            Path config = writeConfig(dataDir, port, controllerPort);
            String classpath = BrokerClasspath.read();
            Path logDir = dataDir.resolve("logs");
            Files.createDirectories(logDir);
            if (!Files.exists(dataDir.resolve("data/meta.properties"))) {
                String clusterId = runTool(classpath, logDir, "kafka.tools.StorageTool", "random-uuid").trim();
                runTool(classpath, logDir, "kafka.tools.StorageTool", "format", "-t", clusterId,
                        "-c", config.toString(), "--ignore-formatted");
            }
            process = new ProcessBuilder(java(), "-Xms128m", "-Xmx" + heap, "-XX:+UseSerialGC",
                    "-Dkafka.logs.dir=" + logDir, "-cp", classpath, "kafka.Kafka", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("broker.out").toFile()))
                    .start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker", e);
        }
    }

    /**
     * A broker crash and its restart: SIGKILL (no controlled shutdown, no log flush beyond what the
     * OS already has), then the same broker again on the same ports and data directory, which
     * recovers its logs as a restarted pod with its volume does. Returns once it answers again.
     */
    public void killAndRestart() {
        kill();
        launch();
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the Kafka broker", e);
        }
    }

    /**
     * Stops the broker when this JVM exits (normally, or on SIGTERM or Ctrl-C), for owners that do
     * not outlive it: a test run that is cut short must not leave a broker behind. Not for
     * {@code make run}, whose launcher exits and leaves the broker running on purpose.
     */
    public KafkaBroker stoppedWithThisJvm() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "parley-kafka-stop"));
        return this;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the topics that do not exist yet, with their partition counts. */
    public void createTopics(List<TopicSpec> topics) {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = topics.stream()
                    .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1))
                    .toList();
            for (var entry : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited with " + process.exitValue()
                        + "; see " + dataDir.resolve("logs/broker.out"));
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(500);
        }
        close();
        throw new IllegalStateException("Kafka broker not ready after " + READY_TIMEOUT, last);
    }

    private static Path writeConfig(Path dataDir, int port, int controllerPort) throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.resolve("data").toString());
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "10");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        Path file = dataDir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "Parley embedded Kafka broker (KRaft)");
        }
        return file;
    }

    private static String runTool(String classpath, Path logDir, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(tool.getInputStream().readAllBytes());
        try {
            if (tool.waitFor() != 0) {
                throw new IllegalStateException(mainClass + " " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Files.writeString(logDir.resolve("storage-tool.out"), output);
        return output;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
