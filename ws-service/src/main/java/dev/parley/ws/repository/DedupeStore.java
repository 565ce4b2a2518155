package dev.parley.ws.repository;

import dev.parley.contracts.RedisKeys;
import dev.parley.platform.members.MemberDirectory;
import dev.parley.platform.redis.RedisScript;
import dev.parley.ws.config.WsConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Remembers which client message ids a sender already used in a conversation, so a retried send
 * is answered with the original message instead of being written twice. While the first attempt
 * is still being written the key holds {@code pending:<id>}; a failed write releases it so the
 * retry can go on. The claim also checks membership: both in one script call (lua/send-claim.lua),
 * one round trip per send instead of two.
 */
@Singleton
public class DedupeStore {

    private static final Logger LOG = Logger.getLogger(DedupeStore.class);

    private static final String PENDING = "pending:";
    private static final String HAD = "had:";
    private static final Duration PENDING_TTL = Duration.ofSeconds(30);

    public sealed interface Claim permits Fresh, Duplicate, InFlight, NotMember {
    }

    public record Fresh() implements Claim {
    }

    public record Duplicate(String messageId) implements Claim {
    }

    /** The first attempt (message {@code messageId}) has not been confirmed yet. */
    public record InFlight(String messageId) implements Claim {
    }

    /** The sender is not a member of the conversation; nothing was claimed. */
    public record NotMember() implements Claim {
    }

    private final ReactiveRedisDataSource redis;
    private final RedisKeys keys;
    private final MemberDirectory members;
    private final WsConfig config;
    private final RedisScript sendClaim;
    private final PipelinedWrites writes;

    public DedupeStore(ReactiveRedisDataSource redis, RedisKeys keys, MemberDirectory members, WsConfig config,
            PipelinedWrites writes) {
        this.redis = redis;
        this.writes = writes;
        this.keys = keys;
        this.members = members;
        this.config = config;
        this.sendClaim = RedisScript.fromClasspath(redis, "lua/send-claim.lua");
    }

    void preload(@Observes StartupEvent event) {
        // EVALSHA falls back to EVAL; loading at start spares the first sends that round trip
        sendClaim.load().subscribe().with(
                sha -> LOG.debugf("send-claim script loaded as %s", sha),
                failure -> LOG.warnf("send-claim script not preloaded (%s); it is loaded on first use", failure.getMessage()));
    }

    /** Claims {@code clientMsgId} for the new message {@code messageId}, if the sender is a member. */
    public Uni<Claim> claim(String conversationId, String senderId, String clientMsgId, String messageId) {
        return runClaim(conversationId, senderId, clientMsgId, messageId).chain(answer -> "miss".equals(answer)
                // members not cached: load them from PostgreSQL (which caches them) and ask again
                ? members.reload(conversationId).chain(loaded -> loaded.contains(senderId)
                        ? runClaim(conversationId, senderId, clientMsgId, messageId)
                        : Uni.createFrom().item("not-member"))
                : Uni.createFrom().item(answer))
                .map(DedupeStore::parse);
    }

    private Uni<String> runClaim(String conversationId, String senderId, String clientMsgId, String messageId) {
        return sendClaim.run(
                        List.of(keys.conversationMembers(conversationId), keys.clientMessage(conversationId, senderId, clientMsgId)),
                        List.of(senderId, PENDING + messageId, Long.toString(PENDING_TTL.toMillis())))
                .map(r -> r.toString());
    }

    private static Claim parse(String answer) {
        if (answer.startsWith(HAD)) {
            String previous = answer.substring(HAD.length());
            return previous.startsWith(PENDING)
                    ? new InFlight(previous.substring(PENDING.length()))
                    : new Duplicate(previous);
        }
        return switch (answer) {
            case "fresh" -> new Fresh();
            case "not-member" -> new NotMember();
            // "miss" right after a reload (the set was dropped in between): transient, the client retries
            case "miss" -> throw new IllegalStateException("members not cached after a reload");
            default -> throw new IllegalStateException("unexpected send-claim answer " + answer);
        };
    }

    /**
     * Remembers the written message for the dedupe window. Nobody waits for it: until it lands the
     * pending marker (which names the same id) answers retries, so it goes out write-behind.
     */
    public void confirm(String conversationId, String senderId, String clientMsgId, String messageId) {
        writes.submit(Request.cmd(Command.SET)
                .arg(keys.clientMessage(conversationId, senderId, clientMsgId)).arg(messageId)
                .arg("PX").arg(config.dedupeWindow().toMillis()));
    }

    public Uni<Void> release(String conversationId, String senderId, String clientMsgId) {
        return redis.key().del(keys.clientMessage(conversationId, senderId, clientMsgId)).replaceWithVoid();
    }
}
