package dev.parley.ws.messaging;

import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.json.Json;
import dev.parley.ws.repository.PresenceRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Sends typing and read events to the pods holding the recipients — one publish per pod. */
@Singleton
public class PodPublisher {

    private final PresenceRepository presence;

    public PodPublisher(PresenceRepository presence) {
        this.presence = presence;
    }

    public Uni<Void> publish(Set<String> recipients, Function<List<String>, PodEvent> eventForUsers) {
        if (recipients.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return presence.podsOf(recipients).flatMap(byPod -> Multi.createFrom().iterable(byPod.entrySet())
                .onItem().transformToUni(e -> presence.publish(e.getKey(), Json.write(eventForUsers.apply(e.getValue()))))
                .merge(16)
                .collect().last()
                .replaceWithVoid());
    }
}
