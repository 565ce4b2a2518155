package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.delivery.messaging.PodEventPublisher;
import dev.parley.delivery.messaging.PodEventPublisher.Addressed;
import dev.parley.delivery.repository.MemberStore;
import dev.parley.delivery.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends sequenced messages to the pods that hold their online recipients: one {@link PodEvent} per
 * message and pod, listing that pod's users. The sender's pod always gets one (the echo completes
 * the sender's ack); a pod without recipients gets nothing. A poll costs three pipelined round
 * trips whatever its size: members, presence ({@link #recipients}), publishes ({@link #publish}).
 */
@ApplicationScoped
public class FanOut {

    private final MemberStore members;
    private final PresenceStore presence;
    private final PodEventPublisher publisher;

    public FanOut(MemberStore members, PresenceStore presence, PodEventPublisher publisher) {
        this.members = members;
        this.presence = presence;
        this.publisher = publisher;
    }

    /**
     * Where each conversation's online members are: one map pod → users per conversation, same
     * order. Needs no seq, so it runs while the messages are being sequenced.
     */
    public Uni<List<Map<String, Set<String>>>> recipients(List<String> conversationIds) {
        return members.membersOf(conversationIds).chain(memberSets -> {
            Set<String> users = new HashSet<>();
            memberSets.forEach(users::addAll);
            return presence.podsByUser(users).map(podsByUser -> {
                List<Map<String, Set<String>>> byConversation = new ArrayList<>(memberSets.size());
                memberSets.forEach(m -> byConversation.add(byPod(m, podsByUser)));
                return byConversation;
            });
        });
    }

    /**
     * @param conversations sequenced messages grouped by conversation, each group in seq order
     * @param recipients    {@link #recipients} of the same conversations
     * @return how many pod events were published
     */
    public Uni<Integer> publish(List<List<ChatMessage>> conversations, List<Map<String, Set<String>>> recipients) {
        List<Addressed> events = new ArrayList<>();
        for (int i = 0; i < conversations.size(); i++) {
            for (ChatMessage message : conversations.get(i)) {
                targets(message, recipients.get(i)).forEach((pod, to) ->
                        events.add(new Addressed(pod, PodEvent.message(List.copyOf(to), message))));
            }
        }
        return publisher.publishAll(events).replaceWith(events.size());
    }

    private static Map<String, Set<String>> byPod(Set<String> members, Map<String, Set<String>> podsByUser) {
        Map<String, Set<String>> byPod = new TreeMap<>();
        for (String user : members) {
            for (String pod : podsByUser.getOrDefault(user, Set.of())) {
                byPod.computeIfAbsent(pod, p -> new TreeSet<>()).add(user);
            }
        }
        return byPod;
    }

    static Map<String, Set<String>> targets(ChatMessage message, Map<String, Set<String>> onlineByPod) {
        Map<String, Set<String>> targets = new TreeMap<>();
        onlineByPod.forEach((pod, users) -> targets.put(pod, new TreeSet<>(users)));
        String senderPod = message.senderPod();
        if (senderPod != null && !senderPod.isBlank()) {
            targets.computeIfAbsent(senderPod, p -> new TreeSet<>()).add(message.senderId());
        }
        return targets;
    }
}
