package dev.parley.devinfra;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test-side helper: deletes every key under one prefix, so a test leaves Redis as it found it. */
public final class RedisKeyspace {

    private static final int DELETE_CHUNK = 10_000;

    private RedisKeyspace() {
    }

    public static String url() {
        return Postgres.env("PARLEY_REDIS_URL", "redis://127.0.0.1:6379");
    }

    /**
     * Finds every key first and then deletes them in one command (up to 10,000 at a time), so a
     * small keyspace such as a cohort's disappears at once, as in a real loss: deleting page by page
     * let a service rebuild from PostgreSQL between two pages and then lose half of what it rebuilt.
     */
    public static long deleteByPrefix(String prefix) {
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, url());
        try {
            RedisAPI api = RedisAPI.api(client);
            List<String> keys = new ArrayList<>();
            String cursor = "0";
            do {
                Response page = await(api.scan(List.of(cursor, "MATCH", prefix + "*", "COUNT", "1000")));
                cursor = page.get(0).toString();
                page.get(1).forEach(k -> keys.add(k.toString()));
            } while (!"0".equals(cursor));
            long deleted = 0;
            for (int from = 0; from < keys.size(); from += DELETE_CHUNK) {
                deleted += await(api.del(keys.subList(from, Math.min(keys.size(), from + DELETE_CHUNK)))).toLong();
            }
            return deleted;
        } finally {
            client.close();
            vertx.close();
        }
    }

    private static Response await(io.vertx.core.Future<Response> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Redis at " + url() + " did not answer", e);
        }
    }
}
