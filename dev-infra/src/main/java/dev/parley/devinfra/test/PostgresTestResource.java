package dev.parley.devinfra.test;

import dev.parley.devinfra.Postgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/** A fresh PostgreSQL database per test class on the local server, dropped afterwards. */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private final Postgres postgres = Postgres.local();
    private String database;

    @Override
    public Map<String, String> start() {
        database = "parley_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres.createDatabaseIfAbsent(database);
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(database),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(database),
                "quarkus.datasource.username", postgres.user());
    }

    @Override
    public void stop() {
        if (database != null) {
            postgres.dropDatabase(database);
        }
    }
}
