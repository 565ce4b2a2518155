package dev.parley.ws.service;

import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.repository.PresenceRepository;
import dev.parley.ws.ws.ClientSession;
import dev.parley.ws.ws.ConnectionRegistry;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * This pod's membership of the fleet: a heartbeat in the pod registry (the gateway routes only to
 * pods with a fresh heartbeat), presence refresh of its users, and the drain before it goes away.
 */
@Singleton
public class PodLifecycle {

    private static final Logger LOG = Logger.getLogger(PodLifecycle.class);

    private final PresenceRepository presence;
    private final ConnectionRegistry connections;
    private final WsConfig config;
    private final AtomicLong lastHeartbeat = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();

    public PodLifecycle(PresenceRepository presence, ConnectionRegistry connections, WsConfig config) {
        this.presence = presence;
        this.connections = connections;
        this.config = config;
    }

    /** Register at once rather than one interval after start. */
    void onStart(@Observes StartupEvent event) {
        heartbeat().subscribe().with(x -> { });
    }

    @Scheduled(every = "${parley.ws.heartbeat-interval:3s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        if (draining.get()) {
            return Uni.createFrom().voidItem();
        }
        long now = System.currentTimeMillis();
        return presence.heartbeat(now)
                // A drain that started while this heartbeat was in flight may have unregistered
                // before the heartbeat's write landed: leave again, after it.
                .call(() -> draining.get() ? presence.unregister() : Uni.createFrom().voidItem())
                .call(() -> presence.refresh(connections.users()))
                .invoke(() -> lastHeartbeat.set(now))
                .onFailure().invoke(e -> LOG.warnf("heartbeat failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Registered (fresh heartbeat) and not draining: the readiness check. */
    public boolean isRegistered() {
        return !draining.get() && System.currentTimeMillis() - lastHeartbeat.get() < config.podTtl().toMillis();
    }

    public boolean isDraining() {
        return draining.get();
    }

    /**
     * Leaves the registry (the gateway stops routing here), tells every client to reconnect — the
     * ring sends it to another pod, where it syncs — and closes the connections.
     */
    public Uni<Integer> drain() {
        draining.set(true);
        return presence.unregister()
                .onFailure().recoverWithNull()
                .map(x -> {
                    int count = 0;
                    for (ClientSession session : connections.all()) {
                        session.push(ServerFrame.reconnect("draining"));
                        session.close(ErrorCode.CLOSE_DRAINING, "draining");
                        count++;
                    }
                    LOG.infof("drained %d connections", count);
                    return count;
                });
    }

    /** Shutdown starts with the delay phase: drain first, so open sockets do not hold the graceful wait. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        drainOnce();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        drainOnce();
    }

    private void drainOnce() {
        if (!draining.get()) {
            drain().await().atMost(Duration.ofSeconds(5));
        }
    }
}
