package dev.parley.ws.service;

import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.repository.HotStore;
import dev.parley.platform.members.MemberDirectory;
import dev.parley.ws.ws.ClientSession;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Reconnect recovery: for each conversation the client names with its last seq, answer with the
 * whole gap from the hot window, or "resync" (read the history API) — never a part of the gap.
 */
@Singleton
public class SyncService {

    private final MemberDirectory members;
    private final HotStore hot;
    private final WsConfig config;
    private final MeterRegistry metrics;

    public SyncService(MemberDirectory members, HotStore hot, WsConfig config, MeterRegistry metrics) {
        this.members = members;
        this.hot = hot;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<Void> sync(ClientSession session, ClientFrame frame) {
        Map<String, Long> convs = frame.convs();
        if (convs == null || convs.isEmpty() || convs.size() > config.maxConversationsPerFrame()) {
            throw new FrameException(ErrorCode.INVALID,
                    "convs must name 1-" + config.maxConversationsPerFrame() + " conversations", null);
        }
        convs.forEach((conv, last) -> {
            FrameRules.conversation(conv);
            if (last != null && last < 0) {
                throw new FrameException(ErrorCode.INVALID, "last seq must be >= 0", conv);
            }
        });
        return Multi.createFrom().iterable(convs.entrySet())
                .onItem().transformToUniAndConcatenate(e -> syncOne(session, e.getKey(), e.getValue()))
                .collect().last()
                .replaceWithVoid();
    }

    private Uni<Void> syncOne(ClientSession session, String conv, Long lastOrNull) {
        return members.isMember(conv, session.userId()).flatMap(member -> {
            if (!member) {
                session.push(ServerFrame.error(ErrorCode.NOT_MEMBER, "not a member of this conversation", null, conv));
                return Uni.createFrom().voidItem();
            }
            Uni<Long> last = lastOrNull != null
                    ? Uni.createFrom().item(lastOrNull)
                    : hot.deliveredSeq(conv, session.userId(), session.deviceId()).map(d -> d.orElse(0L));
            return last.flatMap(after -> hot.maxSeq(conv).flatMap(max -> answer(conv, after, max)))
                    .invoke(session::push)
                    .invoke(f -> metrics.counter("parley.ws.sync", "status", f.status()).increment())
                    .replaceWithVoid();
        });
    }

    private Uni<ServerFrame> answer(String conv, long after, long max) {
        if (after == max) {
            return Uni.createFrom().item(ServerFrame.syncOk(conv, after, List.of()));
        }
        if (after > max) {
            // The client has seen more than the hot window knows (the window was lost): only the
            // system of record can answer.
            return Uni.createFrom().item(ServerFrame.syncResync(conv, after, "ahead_of_hot_window"));
        }
        if (max - after > ChatLimits.SYNC_MAX_GAP) {
            return Uni.createFrom().item(ServerFrame.syncResync(conv, after, "gap_too_large"));
        }
        return hot.range(conv, after, max).map(messages -> contiguous(messages, after, max)
                ? ServerFrame.syncOk(conv, after, messages)
                : ServerFrame.syncResync(conv, after, "outside_hot_window"));
    }

    private static boolean contiguous(List<ChatMessage> messages, long after, long max) {
        if (messages.size() != max - after) {
            return false;
        }
        long expected = after + 1;
        for (ChatMessage m : messages) {
            if (m.seq() != expected++) {
                return false;
            }
        }
        return true;
    }
}
