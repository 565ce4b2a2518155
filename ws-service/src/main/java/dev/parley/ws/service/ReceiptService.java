package dev.parley.ws.service;

import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.messaging.PodPublisher;
import dev.parley.ws.repository.ConversationIndex;
import dev.parley.ws.repository.HotStore;
import dev.parley.platform.members.MemberDirectory;
import dev.parley.ws.repository.ReadStateRepository;
import dev.parley.ws.ws.ClientSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Read receipts, delivery watermarks, typing indicators and unread counts. */
@Singleton
public class ReceiptService {

    private final MemberDirectory members;
    private final ConversationIndex conversations;
    private final HotStore hot;
    private final ReadStateRepository readState;
    private final PodPublisher publisher;
    private final WsConfig config;

    public ReceiptService(MemberDirectory members, ConversationIndex conversations, HotStore hot, ReadStateRepository readState,
            PodPublisher publisher, WsConfig config) {
        this.members = members;
        this.conversations = conversations;
        this.hot = hot;
        this.readState = readState;
        this.publisher = publisher;
        this.config = config;
    }

    /** The user has read up to seq: stored (Redis and PostgreSQL), told to every member's devices. */
    public Uni<Void> read(ClientSession session, ClientFrame frame) {
        String conv = FrameRules.conversation(frame.conv());
        long seq = FrameRules.seq(frame.seq(), conv);
        return memberList(conv, session.userId()).flatMap(all -> hot.maxSeq(conv).flatMap(max -> {
            if (seq > max) {
                throw new FrameException(ErrorCode.INVALID, "seq " + seq + " is beyond the last message " + max, conv);
            }
            return hot.raiseReadSeq(conv, session.userId(), seq)
                    .call(stored -> readState.raise(conv, session.userId(), stored))
                    .call(stored -> publisher.publish(all, users -> PodEvent.read(users, conv, session.userId(), stored)))
                    .invoke(stored -> session.push(ServerFrame.unread(Map.of(conv, Math.max(0, max - stored)))))
                    .replaceWithVoid();
        }));
    }

    /** This device received up to seq; its next sync without an explicit seq starts there. */
    public Uni<Void> delivered(ClientSession session, ClientFrame frame) {
        String conv = FrameRules.conversation(frame.conv());
        long seq = FrameRules.seq(frame.seq(), conv);
        return memberList(conv, session.userId())
                .flatMap(all -> hot.raiseDeliveredSeq(conv, session.userId(), session.deviceId(), seq))
                .replaceWithVoid();
    }

    public Uni<Void> typing(ClientSession session, ClientFrame frame) {
        String conv = FrameRules.conversation(frame.conv());
        String state = frame.state();
        if (!"start".equals(state) && !"stop".equals(state)) {
            throw new FrameException(ErrorCode.INVALID, "state must be start or stop", conv);
        }
        return memberList(conv, session.userId()).flatMap(all -> {
            Set<String> others = new HashSet<>(all);
            others.remove(session.userId());
            return publisher.publish(others, users -> PodEvent.typing(users, conv, session.userId(), state));
        });
    }

    /** Unread = last seq − read seq, never negative, for the named conversations or all of the user's. */
    public Uni<Void> unread(ClientSession session, ClientFrame frame) {
        Uni<List<String>> convs;
        if (frame.convs() != null && !frame.convs().isEmpty()) {
            if (frame.convs().size() > config.maxConversationsPerFrame()) {
                throw new FrameException(ErrorCode.INVALID, "at most " + config.maxConversationsPerFrame() + " conversations", null);
            }
            frame.convs().keySet().forEach(FrameRules::conversation);
            convs = Multi.createFrom().iterable(frame.convs().keySet())
                    .onItem().transformToUniAndConcatenate(c -> members.isMember(c, session.userId()).map(m -> m ? c : null))
                    .select().where(c -> c != null)
                    .collect().asList();
        } else {
            convs = conversations.conversationsOf(session.userId(), config.maxConversationsPerFrame());
        }
        return convs.flatMap(list -> readState.readSeqs(session.userId(), list).flatMap(stored ->
                Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(c -> hot.maxSeq(c).flatMap(max ->
                                hot.readSeqs(c).map(r -> Map.entry(c, Math.max(0L,
                                        max - Math.max(r.getOrDefault(session.userId(), 0L), stored.getOrDefault(c, 0L)))))))
                        .collect().in(LinkedHashMap<String, Long>::new, (m, e) -> m.put(e.getKey(), e.getValue()))))
                .invoke(counts -> session.push(ServerFrame.unread(counts)))
                .replaceWithVoid();
    }

    private Uni<Set<String>> memberList(String conv, String userId) {
        return members.members(conv).map(all -> {
            if (!all.contains(userId)) {
                throw new FrameException(ErrorCode.NOT_MEMBER, "not a member of this conversation", conv);
            }
            return all;
        });
    }
}
