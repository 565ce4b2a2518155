package dev.parley.ws.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.ws.config.WsConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Remembers which client message ids a sender already used, so a retried send is answered with
 * the original message instead of being written twice. While the first attempt is still being
 * written the key holds {@code pending:<id>}; a failed write releases it so the retry can go on.
 */
@Singleton
public class DedupeStore {

    private static final String PENDING = "pending:";
    private static final Duration PENDING_TTL = Duration.ofSeconds(30);

    public sealed interface Claim permits Fresh, Duplicate, InFlight {
    }

    public record Fresh() implements Claim {
    }

    public record Duplicate(String messageId) implements Claim {
    }

    /** The first attempt (message {@code messageId}) has not been confirmed yet. */
    public record InFlight(String messageId) implements Claim {
    }

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final WsConfig config;

    public DedupeStore(ReactiveRedisDataSource redis, RedisKeys keys, WsConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
    }

    public Uni<Claim> claim(String senderId, String clientMsgId, String messageId) {
        String key = keys.clientMessage(senderId, clientMsgId);
        return redis.value(String.class)
                .setGet(key, PENDING + messageId, new SetArgs().nx().px(PENDING_TTL))
                .map(previous -> {
                    if (previous == null) {
                        return new Fresh();
                    }
                    return previous.startsWith(PENDING)
                            ? new InFlight(previous.substring(PENDING.length()))
                            : new Duplicate(previous);
                });
    }

    public Uni<Void> confirm(String senderId, String clientMsgId, String messageId) {
        return redis.value(String.class)
                .set(keys.clientMessage(senderId, clientMsgId), messageId, new SetArgs().px(config.dedupeWindow()));
    }

    public Uni<Void> release(String senderId, String clientMsgId) {
        return redis.key().del(keys.clientMessage(senderId, clientMsgId)).replaceWithVoid();
    }
}
