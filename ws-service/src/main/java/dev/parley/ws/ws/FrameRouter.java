package dev.parley.ws.ws;

import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import dev.parley.ws.service.FrameException;
import dev.parley.ws.service.ReceiptService;
import dev.parley.ws.service.SendService;
import dev.parley.ws.service.SyncService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Decodes a client frame and hands it to its handler. Every refusal becomes an {@code error} frame
 * with a code; the connection stays open and nothing is changed. A frame over its connection's or
 * user's rate is refused ({@code rate_limited}) before any handler sees it; a client that keeps
 * flooding is closed with 1008.
 */
@Singleton
public class FrameRouter {

    private static final Logger LOG = Logger.getLogger(FrameRouter.class);

    private final SendService send;
    private final SyncService sync;
    private final ReceiptService receipts;
    private final MeterRegistry metrics;
    private final FrameLimits limits;

    public FrameRouter(SendService send, SyncService sync, ReceiptService receipts, FrameLimits limits, MeterRegistry metrics) {
        this.send = send;
        this.sync = sync;
        this.receipts = receipts;
        this.limits = limits;
        this.metrics = metrics;
    }

    public Uni<Void> route(ClientSession session, String raw) {
        if (session.isCutOff()) {
            return Uni.createFrom().voidItem();
        }
        // Counted before decoding: malformed frames cost as much to refuse as valid ones.
        FrameLimits.Verdict verdict = limits.admit(session.buckets());
        if (verdict.close()) {
            LOG.infof("closing %s of %s: kept flooding past its frame rate", session.id(), session.userId());
            session.cutOff(ErrorCode.CLOSE_POLICY_VIOLATION, "rate_limited");
            return Uni.createFrom().voidItem();
        }
        ClientFrame frame;
        try {
            frame = decode(raw);
        } catch (RuntimeException e) {
            return verdict.allowed() ? refuse(session, e, null) : rateLimited(session, null, verdict);
        }
        if (!verdict.allowed()) {
            return rateLimited(session, frame, verdict);
        }
        // deferred: a refusal thrown while dispatching (e.g. too_many_in_flight) still names the frame's cmid
        return Uni.createFrom().deferred(() -> dispatch(session, frame))
                .onFailure().recoverWithUni(e -> refuse(session, e, frame));
    }

    private static ClientFrame decode(String raw) {
        if (raw.length() > ChatLimits.MAX_FRAME_BYTES
                || raw.getBytes(StandardCharsets.UTF_8).length > ChatLimits.MAX_FRAME_BYTES) {
            throw new FrameException(ErrorCode.FRAME_TOO_LARGE, "frames are limited to " + ChatLimits.MAX_FRAME_BYTES + " bytes", null);
        }
        ClientFrame frame;
        try {
            frame = Json.readStrict(raw, ClientFrame.class);
        } catch (JsonDecodeException e) {
            throw new FrameException(ErrorCode.MALFORMED, e.getMessage(), null);
        }
        if (frame == null || frame.type() == null) {
            throw new FrameException(ErrorCode.MALFORMED, "type is required", null);
        }
        if (frame.v() != null && frame.v() != ClientFrame.PROTOCOL_VERSION) {
            throw new FrameException(ErrorCode.UNSUPPORTED_VERSION, "this server speaks protocol v" + ClientFrame.PROTOCOL_VERSION, frame.conv());
        }
        return frame;
    }

    private Uni<Void> dispatch(ClientSession session, ClientFrame frame) {
        metrics.counter("parley.ws.frames.in", "type", knownOrOther(frame.type())).increment();
        return switch (frame.type()) {
            case "send" -> send.send(session, frame);
            case "sync" -> sync.sync(session, frame);
            case "read" -> receipts.read(session, frame);
            case "delivered" -> receipts.delivered(session, frame);
            case "typing" -> receipts.typing(session, frame);
            case "unread" -> receipts.unread(session, frame);
            case "ping" -> {
                session.push(ServerFrame.pong(System.currentTimeMillis()));
                yield Uni.createFrom().voidItem();
            }
            default -> throw new FrameException(ErrorCode.UNKNOWN_TYPE, "unknown frame type", frame.conv());
        };
    }

    private Uni<Void> refuse(ClientSession session, Throwable failure, ClientFrame frame) {
        String cmid = frame == null ? null : frame.cmid();
        ServerFrame error;
        if (failure instanceof FrameException e) {
            error = ServerFrame.error(e.code(), e.getMessage(), cmid, e.conv());
        } else {
            LOG.warnf(failure, "frame from %s failed", session.userId());
            error = ServerFrame.error(ErrorCode.UNAVAILABLE, "temporarily unavailable; retry", cmid, frame == null ? null : frame.conv());
        }
        metrics.counter("parley.ws.frames.refused", "code", error.code()).increment();
        session.push(error);
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> rateLimited(ClientSession session, ClientFrame frame, FrameLimits.Verdict verdict) {
        metrics.counter("parley.ws.frames.refused", "code", ErrorCode.RATE_LIMITED).increment();
        session.push(ServerFrame.rateLimited("too many frames; retry after retryAfterMs",
                frame == null ? null : frame.cmid(), frame == null ? null : frame.conv(), verdict.retryAfterMs()));
        return Uni.createFrom().voidItem();
    }

    private static String knownOrOther(String type) {
        return switch (type) {
            case "send", "sync", "read", "delivered", "typing", "unread", "ping" -> type;
            default -> "other";
        };
    }
}
