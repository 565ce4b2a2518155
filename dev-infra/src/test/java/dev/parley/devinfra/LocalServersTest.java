package dev.parley.devinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The local PostgreSQL and Redis answer, and the isolation helpers really isolate. */
class LocalServersTest {

    @Test
    void createsAndDropsAnIsolatedDatabase() throws Exception {
        Postgres postgres = Postgres.local();
        String name = "parley_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.createDatabaseIfAbsent(name);
        postgres.createDatabaseIfAbsent(name); // idempotent
        try (var c = DriverManager.getConnection(postgres.jdbcUrl(name), postgres.user(), "");
             var rs = c.createStatement().executeQuery("SELECT current_database()")) {
            assertTrue(rs.next());
            assertEquals(name, rs.getString(1));
        }
        postgres.dropDatabase(name);
        try (var c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), postgres.user(), "");
             var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            assertFalse(ps.executeQuery().next());
        }
    }

    @Test
    void rejectsDatabaseNamesThatAreNotPlainIdentifiers() {
        Postgres postgres = Postgres.local();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> postgres.createDatabaseIfAbsent("x; DROP DATABASE postgres"));
    }

    @Test
    void deletesOnlyTheKeysUnderItsPrefix() throws Exception {
        String mine = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
        String other = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, RedisKeyspace.url());
        try {
            RedisAPI api = RedisAPI.api(client);
            for (int i = 0; i < 1200; i++) {
                api.set(List.of(mine + i, "v")).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            api.set(List.of(other + "keep", "v")).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(1200, RedisKeyspace.deleteByPrefix(mine));
            assertEquals(0, RedisKeyspace.deleteByPrefix(mine));
            assertEquals(1, RedisKeyspace.deleteByPrefix(other));
        } finally {
            client.close();
            vertx.close();
        }
    }
}
