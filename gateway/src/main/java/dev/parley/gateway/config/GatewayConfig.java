package dev.parley.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Everything the gateway can be tuned with; see docs/gateway.md. */
@ConfigMapping(prefix = "parley.gateway")
public interface GatewayConfig {

    /** Base URL of persistence-consumer's chat API. */
    @WithDefault("http://127.0.0.1:8083")
    String persistenceUrl();

    /** Base URL of seat-service's cohort API (REST, SSE and the live WebSocket). */
    @WithDefault("http://127.0.0.1:8084")
    String seatUrl();

    DevLogin devLogin();

    Relay relay();

    Routing routing();

    RateLimit rateLimit();

    /** Requests to /api handled at once by this JVM; the next one is shed with 503. */
    @WithDefault("256")
    int maxConcurrentRequests();

    interface DevLogin {
        /** Mints tokens for any well-formed user id: never on in production. */
        @WithDefault("false")
        boolean enabled();
    }

    interface Relay {
        /**
         * Whether /api/route sends clients to the gateway's own /ws/chat relay (true: the only way
         * in when pods are not reachable from outside, as on Kubernetes) or straight to the pod.
         */
        @WithDefault("true")
        boolean advertise();

        /** WebSockets relayed at once by this JVM (chat and seat live); the next one gets 503. */
        @WithDefault("20000")
        int maxConnections();

        /** How long opening the downstream WebSocket may take. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Relayed WebSockets and SSE streams one user may hold at once on this JVM; the next gets 429. */
        @WithDefault("20")
        int maxPerUser();

        /**
         * How often each relayed client WebSocket is pinged and each quiet SSE stream gets a
         * comment: below quarkus.http.idle-timeout, so that live connections are never idle.
         */
        @WithDefault("15s")
        Duration pingInterval();

        /** A relayed client WebSocket that sent nothing (no message, no pong) for this long is closed (4000). */
        @WithDefault("60s")
        Duration idleTimeout();
    }

    interface Routing {
        /** A pod whose last heartbeat is older than this receives no users. */
        @WithDefault("10s")
        Duration heartbeatTtl();

        /** How often the pod registry is read from Redis. */
        @WithDefault("1s")
        Duration refreshInterval();

        /** Points per pod on the ring: more points, more even spread. */
        @WithDefault("160")
        int virtualNodes();
    }

    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        Bucket user();

        Bucket ip();
    }

    interface Bucket {
        /** Burst size: requests allowed at once from a full bucket. */
        @WithDefault("60")
        int capacity();

        /** Sustained requests per second. */
        @WithDefault("20")
        double refillPerSecond();
    }
}
