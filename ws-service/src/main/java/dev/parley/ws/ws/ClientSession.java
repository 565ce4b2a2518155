package dev.parley.ws.ws;

import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import io.micrometer.core.instrument.Counter;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One client connection (one device of one user). Outbound frames are counted until written; a
 * client that lets more than {@code outboundLimit} pile up is cut off (close 4008) so it never
 * holds memory or stalls others — it reconnects and syncs.
 */
public final class ClientSession {

    private static final Logger LOG = Logger.getLogger(ClientSession.class);

    private final WebSocketConnection connection;
    private final String userId;
    private final String deviceId;
    private final int outboundLimit;
    private final Runnable onSlowConsumer;
    private final Counter unwritten;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlightSends = new AtomicInteger();
    private final AtomicBoolean cutOff = new AtomicBoolean();

    /** @param unwritten counts frames dropped because the socket was closed or the write failed */
    ClientSession(WebSocketConnection connection, String userId, String deviceId, int outboundLimit,
            Runnable onSlowConsumer, Counter unwritten) {
        this.connection = connection;
        this.userId = userId;
        this.deviceId = deviceId;
        this.outboundLimit = outboundLimit;
        this.onSlowConsumer = onSlowConsumer;
        this.unwritten = unwritten;
    }

    public String id() {
        return connection.id();
    }

    public String userId() {
        return userId;
    }

    public String deviceId() {
        return deviceId;
    }

    public boolean isOpen() {
        return connection.isOpen() && !cutOff.get();
    }

    public int queued() {
        return queued.get();
    }

    /** Queues a frame; never blocks. */
    public void push(ServerFrame frame) {
        pushRaw(Json.write(frame));
    }

    public void pushRaw(String json) {
        if (cutOff.get()) {
            return;
        }
        // Counted before the open check: a connection stuck closing behind a full socket is just as slow.
        if (queued.incrementAndGet() > outboundLimit) {
            queued.decrementAndGet();
            cutOffSlowConsumer();
            return;
        }
        if (!connection.isOpen()) {
            queued.decrementAndGet();
            unwritten.increment();
            return;
        }
        connection.sendText(json).subscribe().with(
                ok -> queued.decrementAndGet(),
                failure -> {
                    queued.decrementAndGet();
                    unwritten.increment();
                    LOG.debugf("write to %s failed: %s", connection.id(), failure.getMessage());
                });
    }

    /** Reserves a slot for a send awaiting its ack; false when the connection has too many. */
    public boolean tryBeginSend(int limit) {
        if (inFlightSends.incrementAndGet() > limit) {
            inFlightSends.decrementAndGet();
            return false;
        }
        return true;
    }

    public void endSend() {
        inFlightSends.decrementAndGet();
    }

    public void close(int code, String reason) {
        connection.close(new CloseReason(code, reason)).subscribe().with(ok -> { }, failure -> { });
    }

    private void cutOffSlowConsumer() {
        if (cutOff.compareAndSet(false, true)) {
            onSlowConsumer.run();
            close(ErrorCode.CLOSE_SLOW_CONSUMER, "slow_consumer");
        }
    }
}
