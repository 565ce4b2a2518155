package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.delivery.config.DeliveryConfig;
import dev.parley.delivery.messaging.PodEventPublisher;
import dev.parley.delivery.messaging.PodEventPublisher.Addressed;
import dev.parley.delivery.repository.MemberStore;
import dev.parley.delivery.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends sequenced messages to the pods that hold their online recipients: one {@link PodEvent} per
 * message and pod, listing that pod's users. The sender's pod always gets one (the echo completes
 * the sender's ack); a pod without recipients gets nothing. A round's events for one pod travel
 * together ({@link PodEvent#batch}, at most {@code parley.delivery.pod-batch-max} each), so a pod
 * receives a pub/sub frame per round rather than per message. A round costs three pipelined round
 * trips whatever its size: members, presence ({@link #recipients}), publishes ({@link #publish}).
 */
@ApplicationScoped
public class FanOut {

    private final MemberStore members;
    private final PresenceStore presence;
    private final PodEventPublisher publisher;
    private final DeliveryMetrics metrics;
    private final int batchMax;

    public FanOut(MemberStore members, PresenceStore presence, PodEventPublisher publisher,
                  DeliveryMetrics metrics, DeliveryConfig config) {
        this.members = members;
        this.presence = presence;
        this.publisher = publisher;
        this.metrics = metrics;
        this.batchMax = config.podBatchMax();
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
     */
    public Uni<Void> publish(List<List<ChatMessage>> conversations, List<Map<String, Set<String>>> recipients) {
        // pod → its events in round order (conversation groups, each in seq order)
        Map<String, List<PodEvent>> byPod = new LinkedHashMap<>();
        int count = 0;
        for (int i = 0; i < conversations.size(); i++) {
            for (ChatMessage message : conversations.get(i)) {
                for (var target : targets(message, recipients.get(i)).entrySet()) {
                    byPod.computeIfAbsent(target.getKey(), p -> new ArrayList<>())
                            .add(PodEvent.message(List.copyOf(target.getValue()), message));
                    count++;
                }
            }
        }
        List<Addressed> publishes = batches(byPod, batchMax);
        int events = count;
        return publisher.publishAll(publishes).invoke(() -> metrics.podEvents(events, publishes.size()));
    }

    static List<Addressed> batches(Map<String, List<PodEvent>> byPod, int batchMax) {
        List<Addressed> publishes = new ArrayList<>();
        byPod.forEach((pod, events) -> {
            for (int from = 0; from < events.size(); from += batchMax) {
                List<PodEvent> chunk = events.subList(from, Math.min(events.size(), from + batchMax));
                publishes.add(new Addressed(pod, chunk.size() == 1 ? chunk.get(0) : PodEvent.batch(chunk)));
            }
        });
        return publishes;
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
