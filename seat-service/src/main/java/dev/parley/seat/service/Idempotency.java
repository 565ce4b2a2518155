package dev.parley.seat.service;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.json.Json;
import dev.parley.seat.config.SeatConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Idempotency keys: the first request with a key claims it (SET NX) with the fingerprint of its
 * method, path and body; its final answer (status + body) is stored under the key. The same key
 * with the same fingerprint gets that answer again; with another fingerprint, 422. 5xx answers
 * and 429s are not stored, so the request can be retried under the same key.
 */
@Singleton
public class Idempotency {

    /** A finished answer. */
    public record Answer(int status, String body, boolean replayed) {
    }

    private record Stored(String fp, int status, String body) {
    }

    private static final String PENDING = "pending:";

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final SeatConfig config;

    public Idempotency(ReactiveRedisDataSource redis, RedisKeys keys, SeatConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    public Uni<Answer> run(String user, String key, String fingerprintSource, Supplier<Uni<Answer>> action) {
        if (key == null) {
            return action.get();
        }
        if (key.isBlank() || key.length() > 128) {
            return Uni.createFrom().failure(SeatException.badRequest("Idempotency-Key must be 1 to 128 characters"));
        }
        String fp = sha256(fingerprintSource);
        String redisKey = keys.prefix() + "seat:idem:" + user + ":" + key;
        String ttl = String.valueOf(config.idempotencyTtl().toMillis());
        return redis.execute("SET", redisKey, PENDING + fp, "NX", "PX", ttl).chain(set -> {
            if (set != null && "OK".equals(set.toString())) {
                return action.get()
                        .chain(answer -> store(redisKey, fp, answer, ttl))
                        .onFailure().call(e -> e instanceof SeatException se && se.status() < 500 && se.status() != 429
                                ? storeFailure(redisKey, fp, se, ttl) : redis.execute("DEL", redisKey));
            }
            return redis.execute("GET", redisKey).map(existing -> {
                if (existing == null) {
                    throw SeatException.conflict("idempotency-in-progress", "Request in progress",
                            "a request with this Idempotency-Key just finished or expired; retry");
                }
                String v = existing.toString();
                if (v.startsWith(PENDING)) {
                    if (!v.substring(PENDING.length()).equals(fp)) {
                        throw mismatch();
                    }
                    throw SeatException.conflict("idempotency-in-progress", "Request in progress",
                            "a request with this Idempotency-Key is still running; retry");
                }
                Stored s = Json.read(v, Stored.class);
                if (!s.fp().equals(fp)) {
                    throw mismatch();
                }
                return new Answer(s.status(), s.body(), true);
            });
        });
    }

    private Uni<Answer> store(String redisKey, String fp, Answer a, String ttl) {
        return redis.execute("SET", redisKey, Json.write(new Stored(fp, a.status(), a.body())), "PX", ttl).replaceWith(a);
    }

    private Uni<Void> storeFailure(String redisKey, String fp, SeatException e, String ttl) {
        return redis.execute("SET", redisKey, Json.write(new Stored(fp, -e.status(), Problems.body(e))), "PX", ttl).replaceWithVoid();
    }

    private static SeatException mismatch() {
        return new SeatException(422, "idempotency-key-reused", "Idempotency key reused",
                "this Idempotency-Key was used for a different request; use a new key");
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
