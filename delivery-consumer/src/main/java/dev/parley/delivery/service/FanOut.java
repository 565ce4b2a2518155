package dev.parley.delivery.service;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.delivery.messaging.PodEventPublisher;
import dev.parley.delivery.repository.MemberStore;
import dev.parley.delivery.repository.PresenceStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sends a sequenced message to the pods that hold its online recipients: one {@link PodEvent} per
 * pod, listing that pod's users. The sender's pod always gets one (the echo completes the
 * sender's ack); a pod without recipients gets nothing.
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

    /** Publishes the pod events; the item is how many were published. */
    public Uni<Integer> deliver(ChatMessage message) {
        return members.members(message.conversationId())
                .chain(presence::usersByPod)
                .chain(byPod -> {
                    Map<String, Set<String>> targets = targets(message, byPod);
                    if (targets.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    List<Uni<Void>> sends = new ArrayList<>(targets.size());
                    targets.forEach((pod, users) -> sends.add(
                            publisher.publish(pod, PodEvent.message(List.copyOf(users), message))));
                    return Uni.join().all(sends).andFailFast().replaceWith(targets.size());
                });
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
