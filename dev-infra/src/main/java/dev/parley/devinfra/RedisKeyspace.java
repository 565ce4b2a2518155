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

    private RedisKeyspace() {
    }

    public static String url() {
        return Postgres.env("PARLEY_REDIS_URL", "redis://127.0.0.1:6379");
    }

    public static long deleteByPrefix(String prefix) {
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, url());
        try {
            RedisAPI api = RedisAPI.api(client);
            long deleted = 0;
            String cursor = "0";
            do {
                Response page = await(api.scan(List.of(cursor, "MATCH", prefix + "*", "COUNT", "500")));
                cursor = page.get(0).toString();
                List<String> keys = new ArrayList<>();
                page.get(1).forEach(k -> keys.add(k.toString()));
                if (!keys.isEmpty()) {
                    deleted += await(api.del(keys)).toLong();
                }
            } while (!"0".equals(cursor));
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
