package dev.parley.ws.ws;

import dev.parley.ws.config.WsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.WebSocketConnection;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connections this pod holds, by connection id and by user (a user may have several devices,
 * at most {@code parley.ws.limits.sockets-per-user}). A user's entry — its sessions and its shared
 * frame bucket — exists exactly while the user has a connection here, so the map is bounded by the
 * connections.
 */
@Singleton
public class ConnectionRegistry {

    /** One user's connections on this pod and the frame bucket they share. */
    private record UserConnections(Set<ClientSession> sessions, io.github.bucket4j.Bucket frames) {
    }

    private final Map<String, ClientSession> byConnection = new ConcurrentHashMap<>();
    private final Map<String, UserConnections> byUser = new ConcurrentHashMap<>();
    private final WsConfig config;
    private final FrameLimits limits;
    private final Counter slowConsumers;
    private final Counter unwritten;

    public ConnectionRegistry(WsConfig config, FrameLimits limits, MeterRegistry metrics) {
        this.config = config;
        this.limits = limits;
        this.slowConsumers = Counter.builder("parley.ws.slow.consumers")
                .description("connections cut off because they did not read their frames").register(metrics);
        // A frame lost this way is recovered by sync; counted so that a lost welcome or ack shows.
        this.unwritten = Counter.builder("parley.ws.frames.unwritten")
                .description("frames not written: the socket was closed or the write failed").register(metrics);
        metrics.gauge("parley.ws.connections", byConnection, Map::size);
    }

    /**
     * Registers the connection, or returns null when its user already holds as many as allowed
     * (the upgrade check refuses those first; this closes the race of concurrent upgrades).
     * {@code forget} runs when the client is cut off (slow, flooding, idle), before its socket is gone.
     */
    public ClientSession register(WebSocketConnection connection, String userId, String deviceId, Runnable forget) {
        ClientSession[] created = new ClientSession[1];
        byUser.compute(userId, (u, existing) -> {
            UserConnections user = existing != null ? existing
                    : new UserConnections(ConcurrentHashMap.newKeySet(), limits.userBucket());
            if (user.sessions().size() >= limits.socketsPerUser()) {
                return existing;
            }
            created[0] = new ClientSession(connection, userId, deviceId, config.outboundLimit(),
                    slowConsumers::increment, forget, unwritten, limits.connectionBuckets(user.frames()));
            user.sessions().add(created[0]);
            return user;
        });
        if (created[0] != null) {
            byConnection.put(connection.id(), created[0]);
        }
        return created[0];
    }

    /** Connections the user holds on this pod right now. */
    public int connectionsOf(String userId) {
        UserConnections user = byUser.get(userId);
        return user == null ? 0 : user.sessions().size();
    }

    /** Whether the user may open one more connection here. */
    public boolean mayConnect(String userId) {
        return connectionsOf(userId) < limits.socketsPerUser();
    }

    /** Users with per-user state on this pod (for tests: none is left once their last socket closed). */
    int trackedUsers() {
        return byUser.size();
    }

    public ClientSession get(WebSocketConnection connection) {
        return byConnection.get(connection.id());
    }

    public ClientSession remove(WebSocketConnection connection) {
        ClientSession session = byConnection.remove(connection.id());
        if (session != null) {
            byUser.computeIfPresent(session.userId(), (u, user) -> {
                user.sessions().remove(session);
                return user.sessions().isEmpty() ? null : user;
            });
        }
        return session;
    }

    public Collection<ClientSession> sessionsOf(String userId) {
        UserConnections user = byUser.get(userId);
        return user == null ? List.of() : List.copyOf(user.sessions());
    }

    public Set<String> users() {
        return Set.copyOf(byUser.keySet());
    }

    public Collection<ClientSession> all() {
        return List.copyOf(byConnection.values());
    }

    public int size() {
        return byConnection.size();
    }
}
