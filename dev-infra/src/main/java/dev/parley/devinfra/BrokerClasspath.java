package dev.parley.devinfra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the classpath of the embedded broker, written by the kafka-broker module's build to
 * {@code kafka-broker/target/broker.classpath}. The project root comes from {@code parley.root}
 * (set by the build for tests) or is found by walking up from the working directory.
 */
public final class BrokerClasspath {

    static final String RELATIVE = "kafka-broker/target/broker.classpath";

    private BrokerClasspath() {
    }

    public static String read() {
        Path file = projectRoot().resolve(RELATIVE);
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException("Kafka broker classpath missing at " + file
                    + " — build the kafka-broker module first (mvn -pl kafka-broker package)", e);
        }
    }

    public static Path projectRoot() {
        String configured = System.getProperty("parley.root");
        if (configured != null && !configured.isBlank()
                && Files.exists(Path.of(configured).resolve("kafka-broker"))) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("kafka-broker")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the Parley project root from " + Path.of("").toAbsolutePath());
    }
}
