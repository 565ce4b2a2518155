package dev.parley.contracts;

import java.util.Objects;

/**
 * The Redis key schema. Every key starts with a configurable prefix (default {@code parley:}) so
 * tests and tenants can share one Redis without touching each other's data. Keys that Lua scripts
 * touch together carry a hash tag ({@code {…}}) so they land in one Redis Cluster slot.
 */
public final class RedisKeys {

    public static final String DEFAULT_PREFIX = "parley:";

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    public String prefix() {
        return prefix;
    }

    /** Sorted set of live ws-service pods, scored by their last heartbeat (epoch ms). */
    public String podRegistry() {
        return prefix + "pods";
    }

    /** Hash pod id → the pod's WebSocket base address (ws://host:port), for the gateway's ring. */
    public String podAddresses() {
        return prefix + "pods:addr";
    }

    /** Hash device id → pod id of one user's open connections (multi-device presence). */
    public String presence(String userId) {
        return prefix + "presence:" + userId;
    }

    /** Pub/sub channel one ws-service pod listens on for deliveries to its own connections. */
    public String podChannel(String podId) {
        return prefix + "deliver:" + podId;
    }

    /** Counter of the last sequence number assigned in a conversation. */
    public String conversationSeq(String conversationId) {
        return prefix + "conv:{" + conversationId + "}:seq";
    }

    /** Sorted set seq → message JSON: the hot window of a conversation's history. */
    public String conversationHot(String conversationId) {
        return prefix + "conv:{" + conversationId + "}:hot";
    }

    /** Hash message id → seq, so a redelivered message keeps the seq it was given. */
    public String conversationMessageSeq(String conversationId) {
        return prefix + "conv:{" + conversationId + "}:ids";
    }

    /** Hash user id → highest seq that user has read in the conversation. */
    public String conversationRead(String conversationId) {
        return prefix + "conv:{" + conversationId + "}:read";
    }

    /** Hash "user/device" → highest seq that device confirmed it received (default for its next sync). */
    public String conversationDelivered(String conversationId) {
        return prefix + "conv:{" + conversationId + "}:delivered";
    }

    /** Set of member user ids of a conversation (cache of PostgreSQL). */
    public String conversationMembers(String conversationId) {
        return prefix + "conv:{" + conversationId + "}:members";
    }

    /**
     * Marker for a client message id already accepted from a sender in a conversation (retry
     * dedupe). In the conversation's hash slot, so one script checks membership and claims it.
     */
    public String clientMessage(String conversationId, String senderId, String clientMessageId) {
        return prefix + "conv:{" + conversationId + "}:cmid:" + senderId + ":" + clientMessageId;
    }

    /** Token bucket state for one rate-limited subject (user or IP). */
    public String rateLimit(String scope, String subject) {
        return prefix + "rl:" + scope + ":" + subject;
    }

    /** Keys of one seat cohort, all in the cohort's hash slot. */
    public String cohort(String cohortId, String part) {
        return prefix + "cohort:{" + cohortId + "}:" + part;
    }
}
