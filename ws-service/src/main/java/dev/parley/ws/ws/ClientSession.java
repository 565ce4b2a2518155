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
 * holds memory or stalls others — it reconnects and syncs. It also holds the connection's frame
 * buckets and when anything (a frame, a pong) last came from the client, for the idle sweep.
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
    private final FrameLimits.Buckets buckets;
    private final Runnable forget;
    private volatile long lastSeenNanos = System.nanoTime();

    /**
     * @param onSlowConsumer runs when the client is cut off for not reading
     * @param forget removes the session from the registry and presence: a cut-off client's close
     *     handshake may never finish, so it is forgotten at once
     * @param unwritten counts frames dropped because the socket was closed or the write failed
     */
    ClientSession(WebSocketConnection connection, String userId, String deviceId, int outboundLimit,
            Runnable onSlowConsumer, Runnable forget, Counter unwritten, FrameLimits.Buckets buckets) {
        this.connection = connection;
        this.userId = userId;
        this.deviceId = deviceId;
        this.outboundLimit = outboundLimit;
        this.onSlowConsumer = onSlowConsumer;
        this.forget = forget;
        this.unwritten = unwritten;
        this.buckets = buckets;
    }

    FrameLimits.Buckets buckets() {
        return buckets;
    }

    /** Something came from the client (a frame or a pong): it is alive. */
    void touch() {
        lastSeenNanos = System.nanoTime();
    }

    long silentNanos(long now) {
        return now - lastSeenNanos;
    }

    /** True once the connection has been cut off (slow, flooding, idle): its frames are ignored. */
    boolean isCutOff() {
        return cutOff.get();
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
        if (cutOff(ErrorCode.CLOSE_SLOW_CONSUMER, "slow_consumer")) {
            onSlowConsumer.run();
        }
    }

    /**
     * Forgets the connection and closes it with {@code code}; frames already queued are still
     * written before the close frame. True for the first call only.
     */
    boolean cutOff(int code, String reason) {
        if (!cutOff.compareAndSet(false, true)) {
            return false;
        }
        forget.run();
        close(code, reason);
        return true;
    }
}
