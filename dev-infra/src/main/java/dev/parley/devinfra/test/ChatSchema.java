package dev.parley.devinfra.test;

import dev.parley.devinfra.BrokerClasspath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Tests of services that read the chat database (owned and migrated by persistence-consumer) apply
 * that module's migrations to their own test database, so they run against the real schema.
 */
public final class ChatSchema {

    private ChatSchema() {
    }

    public static void apply(String jdbcUrl, String user) {
        Path dir = BrokerClasspath.projectRoot().resolve("persistence-consumer/src/main/resources/db/migration");
        try (var files = Files.list(dir); var c = dev.parley.devinfra.Postgres.local().connect(jdbcUrl)) {
            for (Path file : files.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .sorted((a, b) -> Integer.compare(version(a), version(b))).toList()) {
                try (var st = c.createStatement()) {
                    st.execute(Files.readString(file));
                }
            }
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot apply the chat schema from " + dir, e);
        }
    }

    private static int version(Path p) {
        String name = p.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
