package dev.parley.delivery.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.delivery.messaging.PodEventPublisher.Addressed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanOutTest {

    @Test
    void aPodsEventsAreCutIntoBoundedBatchesInOrderAndALoneEventTravelsAsItself() {
        Map<String, List<PodEvent>> byPod = new LinkedHashMap<>();
        byPod.put("podA", events("a", 7));
        byPod.put("podB", events("b", 1));

        List<Addressed> publishes = FanOut.batches(byPod, 3);

        assertEquals(List.of("podA", "podA", "podA", "podB"), publishes.stream().map(Addressed::podId).toList());
        assertEquals(List.of(PodEvent.BATCH, PodEvent.BATCH, PodEvent.MESSAGE, PodEvent.MESSAGE),
                publishes.stream().map(p -> p.event().type()).toList());
        List<String> podA = new ArrayList<>();
        for (Addressed p : publishes.subList(0, 3)) {
            if (p.event().events() == null) {
                podA.add(p.event().message().id());
            } else {
                p.event().events().forEach(e -> podA.add(e.message().id()));
            }
        }
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4", "a5", "a6"), podA);
        assertEquals(3, publishes.get(0).event().events().size());
        assertEquals("b0", publishes.get(3).event().message().id());
    }

    private static List<PodEvent> events(String prefix, int count) {
        List<PodEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ChatMessage m = new ChatMessage(prefix + i, "c", i + 1, "u", "d", "pod", "cm" + i, "body", 1L);
            events.add(PodEvent.message(List.of("u"), m));
        }
        return events;
    }
}
