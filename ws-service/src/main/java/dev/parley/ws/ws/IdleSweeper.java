package dev.parley.ws.ws;

import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.ws.config.WsConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Closes connections from which nothing came — no frame, no pong to the auto-pings
 * ({@code quarkus.websockets-next.server.auto-ping-interval}) — for {@code idle-timeout}: a
 * vanished peer whose TCP connection never reported an error, or a client that does not answer
 * pings, would otherwise hold its socket, its presence and its buffers for ever. One periodic
 * sweep over the registry (non-blocking, so on the event loop), not a timer per connection.
 */
@Singleton
public class IdleSweeper {

    private static final Logger LOG = Logger.getLogger(IdleSweeper.class);

    private final ConnectionRegistry connections;
    private final long timeoutNanos;
    private final Counter closed;

    public IdleSweeper(ConnectionRegistry connections, WsConfig config, MeterRegistry metrics) {
        this.connections = connections;
        this.timeoutNanos = config.limits().idleTimeout().toNanos();
        this.closed = Counter.builder("parley.ws.idle.closed")
                .description("connections closed because nothing came from the client within the idle timeout").register(metrics);
    }

    @Scheduled(every = "${parley.ws.limits.idle-sweep-interval:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        long now = System.nanoTime();
        for (ClientSession session : connections.all()) {
            if (session.silentNanos(now) > timeoutNanos && session.cutOff(ErrorCode.CLOSE_IDLE_TIMEOUT, "idle_timeout")) {
                closed.increment();
                LOG.debugf("closed %s of %s: silent for longer than the idle timeout", session.id(), session.userId());
            }
        }
        return Uni.createFrom().voidItem();
    }
}
