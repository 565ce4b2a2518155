package dev.parley.gateway.ratelimit;

import dev.parley.contracts.RedisKeys;
import dev.parley.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Token buckets shared by every gateway replica: state lives in Redis and each check is ONE
 * script call (EVALSHA; EVAL once if the server lost the script), so the read-refill-take step is
 * atomic across replicas without locks.
 */
public class RedisRateLimiter {

    private static final String SCRIPT = load();
    private static final String SHA = sha1(SCRIPT);

    private final Redis redis;
    private final RedisKeys keys;

    public RedisRateLimiter(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Takes one token from the bucket {@code scope}/{@code subject}. */
    public Uni<RateDecision> acquire(String scope, String subject, GatewayConfig.Bucket bucket) {
        String key = keys.rateLimit(scope, subject);
        String capacity = Integer.toString(bucket.capacity());
        String rate = Double.toString(bucket.refillPerSecond());
        return redis.send(Request.cmd(Command.EVALSHA).arg(SHA).arg(1).arg(key).arg(capacity).arg(rate))
                .onFailure(f -> f.getMessage() != null && f.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> redis.send(Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key).arg(capacity).arg(rate)))
                .map(r -> decision(r, bucket.capacity()));
    }

    private static RateDecision decision(Response r, int capacity) {
        return new RateDecision(r.get(0).toInteger() == 1, capacity, r.get(1).toLong(), r.get(2).toLong());
    }

    private static String load() {
        try (InputStream in = RedisRateLimiter.class.getResourceAsStream("/ratelimit/token-bucket.lua")) {
            if (in == null) {
                throw new IllegalStateException("ratelimit/token-bucket.lua missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
