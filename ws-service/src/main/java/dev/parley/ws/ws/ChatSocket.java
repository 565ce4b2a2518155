package dev.parley.ws.ws;

import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.PodIdentity;
import dev.parley.ws.repository.PresenceRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * The client endpoint. Every method returns a Uni, so frames are handled on the event loop, one at
 * a time per connection (a sender's frames keep their order). Authentication happened in
 * {@link TokenUpgradeCheck} before the upgrade.
 */
@WebSocket(path = "/ws/chat")
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    private final ConnectionRegistry connections;
    private final PresenceRepository presence;
    private final FrameRouter router;
    private final PodIdentity pod;
    private final Counter welcomes;

    public ChatSocket(ConnectionRegistry connections, PresenceRepository presence, FrameRouter router, PodIdentity pod,
            MeterRegistry metrics) {
        this.connections = connections;
        this.presence = presence;
        this.router = router;
        this.pod = pod;
        this.welcomes = Counter.builder("parley.ws.welcomes")
                .description("connections registered in presence and sent their welcome frame").register(metrics);
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        String user = connection.userData().get(TokenUpgradeCheck.USER);
        String device = connection.userData().get(TokenUpgradeCheck.DEVICE);
        // A cut-off client is forgotten at once: its close handshake may never finish if it does not read.
        ClientSession session = connections.register(connection, user, device, () -> forget(connection).subscribe().with(x -> { }));
        if (session == null) {
            // concurrent upgrades of one user passed the upgrade check together; the extra ones go
            LOG.debugf("%s holds as many sockets as allowed; closing %s", user, connection.id());
            connection.close(new CloseReason(ErrorCode.CLOSE_POLICY_VIOLATION, "too_many_connections"))
                    .subscribe().with(ok -> { }, failure -> { });
            return Uni.createFrom().voidItem();
        }
        // Not registered means not reachable: deliveries would never find this socket, so a failed
        // registration closes it (1013) and the client reconnects later, instead of sitting silent.
        return presence.connect(user, device)
                .invoke(() -> {
                    // counted first: whoever has read the welcome sees it counted
                    welcomes.increment();
                    session.push(ServerFrame.welcome(user, device, pod.podId(), System.currentTimeMillis()));
                })
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("presence of %s/%s not registered (%s); closing with 1013", user, device, failure.getMessage());
                    // forget also undoes a half-done registration (the HSET went through, the expiry did not)
                    return forget(connection).invoke(() -> session.close(ErrorCode.CLOSE_TRY_AGAIN_LATER, "presence_unavailable"));
                });
    }

    @OnTextMessage
    public Uni<Void> onText(String raw, WebSocketConnection connection) {
        ClientSession session = connections.get(connection);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        session.touch();
        if (tooBig(raw)) {
            session.close(ErrorCode.CLOSE_MESSAGE_TOO_BIG, "message_too_big");
            return Uni.createFrom().voidItem();
        }
        return router.route(session, raw);
    }

    /** Above the protocol's message limit in UTF-8 bytes (counted only when it could be: 3 bytes a char at most). */
    private static boolean tooBig(String raw) {
        return raw.length() > ChatLimits.MAX_MESSAGE_BYTES
                || (raw.length() > ChatLimits.MAX_MESSAGE_BYTES / 3 && raw.getBytes(StandardCharsets.UTF_8).length > ChatLimits.MAX_MESSAGE_BYTES);
    }

    /** Answers to the auto-pings: a client that reads but has nothing to say is alive too. */
    @OnPongMessage
    public Uni<Void> onPong(Buffer data, WebSocketConnection connection) {
        ClientSession session = connections.get(connection);
        if (session != null) {
            session.touch();
        }
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        return forget(connection);
    }

    private Uni<Void> forget(WebSocketConnection connection) {
        ClientSession session = connections.remove(connection);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        return presence.disconnect(session.userId(), session.deviceId())
                .onFailure().invoke(e -> LOG.debugf("presence cleanup failed: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    @OnError
    public Uni<Void> onError(WebSocketConnection connection, Throwable failure) {
        LOG.debugf("connection %s: %s", connection.id(), failure.getMessage());
        return Uni.createFrom().voidItem();
    }
}
