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

/** The connections this pod holds, by connection id and by user (a user may have several devices). */
@Singleton
public class ConnectionRegistry {

    private final Map<String, ClientSession> byConnection = new ConcurrentHashMap<>();
    private final Map<String, Set<ClientSession>> byUser = new ConcurrentHashMap<>();
    private final WsConfig config;
    private final Counter slowConsumers;
    private final Counter unwritten;

    public ConnectionRegistry(WsConfig config, MeterRegistry metrics) {
        this.config = config;
        this.slowConsumers = Counter.builder("parley.ws.slow.consumers")
                .description("connections cut off because they did not read their frames").register(metrics);
        // A frame lost this way is recovered by sync; counted so that a lost welcome or ack shows.
        this.unwritten = Counter.builder("parley.ws.frames.unwritten")
                .description("frames not written: the socket was closed or the write failed").register(metrics);
        metrics.gauge("parley.ws.connections", byConnection, Map::size);
    }

    /** {@code onCutOff} runs when the client is cut off for not reading, before its socket is gone. */
    public ClientSession register(WebSocketConnection connection, String userId, String deviceId, Runnable onCutOff) {
        ClientSession session = new ClientSession(connection, userId, deviceId, config.outboundLimit(), () -> {
            slowConsumers.increment();
            onCutOff.run();
        }, unwritten);
        byConnection.put(connection.id(), session);
        byUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(session);
        return session;
    }

    public ClientSession get(WebSocketConnection connection) {
        return byConnection.get(connection.id());
    }

    public ClientSession remove(WebSocketConnection connection) {
        ClientSession session = byConnection.remove(connection.id());
        if (session != null) {
            byUser.computeIfPresent(session.userId(), (u, set) -> {
                set.remove(session);
                return set.isEmpty() ? null : set;
            });
        }
        return session;
    }

    public Collection<ClientSession> sessionsOf(String userId) {
        Set<ClientSession> sessions = byUser.get(userId);
        return sessions == null ? List.of() : List.copyOf(sessions);
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
