package dev.parley.ws.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "parley.ws")
public interface WsConfig {

    /** This pod's id in the registry and its delivery channel; defaults to HOSTNAME (the k8s pod name). */
    Optional<String> podId();

    /** Address clients reach this pod at (the gateway's ring hands it out), e.g. ws://10.0.0.7:8081. */
    Optional<String> advertisedUrl();

    /** How often the pod refreshes its registry entry and its users' presence. */
    @WithDefault("3s")
    Duration heartbeatInterval();

    /** A pod whose heartbeat is older than this is dead for the gateway. */
    @WithDefault("10s")
    Duration podTtl();

    /**
     * How often the pod checks that Redis still counts its delivery-channel subscription (a
     * subscription ends silently when Redis restarts): the longest a pod stays deaf after that.
     */
    @WithDefault("1s")
    Duration channelCheckInterval();

    /** Presence entries expire this long after the last heartbeat that refreshed them. */
    @WithDefault("30s")
    Duration presenceTtl();

    /** Frames queued to one connection but not yet written; beyond it the client is cut off. */
    @WithDefault("256")
    int outboundLimit();

    /** Sends of one connection awaiting their ack; beyond it new sends are refused. */
    @WithDefault("64")
    int inFlightLimit();

    /** How long a send waits for its sequenced echo before the sender gets an "accepted" ack. */
    @WithDefault("5s")
    Duration ackTimeout();

    /** How long a client message id is remembered for deduplicating retries. */
    @WithDefault("24h")
    Duration dedupeWindow();

    /** Most conversations one sync or unread frame may name. */
    @WithDefault("100")
    int maxConversationsPerFrame();

    /** Frame rates, sockets per user and the idle timeout (docs/protocol.md, "Limits"). */
    Limits limits();

    interface Limits {

        /** Frames per second one connection may send, sustained. */
        @WithDefault("20")
        int frameRate();

        /** Frames one connection may send at once from a full bucket (≥ in-flight-limit: a reconnect resends every unacked send). */
        @WithDefault("100")
        int frameBurst();

        /** Frames per second all of one user's connections on this pod may send together. */
        @WithDefault("50")
        int userFrameRate();

        /** Burst of one user's connections together (at least one connection's burst). */
        @WithDefault("200")
        int userFrameBurst();

        /**
         * Refused frames a connection may accumulate, forgiven at frame-rate per second; beyond it
         * the connection is closed with 1008. A client at 5× its rate is closed within ~8 s, one at
         * 2× is only refused.
         */
        @WithDefault("400")
        int floodTolerance();

        /** Sockets one user may hold on this pod; the next upgrade is refused with 429. */
        @WithDefault("10")
        int socketsPerUser();

        /** A connection from which nothing (no frame, no pong) came for this long is closed with 4000. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** How often connections are checked against the idle timeout. */
        @WithDefault("5s")
        Duration idleSweepInterval();
    }

    /** Redis writes off the critical path (the cmid confirmation), sent as pipelines. */
    WriteBehind writeBehind();

    interface WriteBehind {

        /** How long a write may wait for others to share its pipeline. */
        @WithDefault("2ms")
        Duration flushInterval();

        /** Most commands in one pipeline; a full one is sent without waiting for the interval. */
        @WithDefault("256")
        int maxBatch();
    }
}
