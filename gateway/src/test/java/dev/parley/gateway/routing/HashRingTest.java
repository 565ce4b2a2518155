package dev.parley.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashRingTest {

    private static final int USERS = 20_000;
    private static final int VNODES = 160;
    private static final List<String> USER_IDS = IntStream.range(0, USERS).mapToObj(i -> "user-" + i).toList();

    private static List<String> pods(int k) {
        List<String> pods = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            pods.add("ws-" + i);
        }
        return pods;
    }

    private static Map<String, String> assign(HashRing ring) {
        Map<String, String> out = new HashMap<>();
        USER_IDS.forEach(u -> out.put(u, ring.podFor(u).orElseThrow()));
        return out;
    }

    @Test
    void addingOnePodMovesAboutOneKthOfUsersAllToTheNewPod() {
        for (int k : new int[] {3, 5, 10}) {
            List<String> before = pods(k);
            List<String> after = new ArrayList<>(before);
            after.add("ws-new");
            Map<String, String> a = assign(new HashRing(before, VNODES));
            Map<String, String> b = assign(new HashRing(after, VNODES));
            long moved = USER_IDS.stream().filter(u -> !a.get(u).equals(b.get(u))).count();
            USER_IDS.stream().filter(u -> !a.get(u).equals(b.get(u)))
                    .forEach(u -> assertEquals("ws-new", b.get(u), "a moved user goes to the new pod only"));
            double fraction = moved / (double) USERS;
            double ideal = 1.0 / (k + 1);
            assertTrue(fraction > ideal * 0.7 && fraction < ideal * 1.3,
                    "K=" + k + ": moved " + fraction + ", ideal " + ideal);
        }
    }

    @Test
    void removingOnePodMovesOnlyItsUsers() {
        int k = 6;
        List<String> before = pods(k);
        List<String> after = new ArrayList<>(before);
        after.remove("ws-2");
        Map<String, String> a = assign(new HashRing(before, VNODES));
        Map<String, String> b = assign(new HashRing(after, VNODES));
        long moved = 0;
        for (String u : USER_IDS) {
            if (!a.get(u).equals(b.get(u))) {
                moved++;
                assertEquals("ws-2", a.get(u), "only users of the removed pod move");
            }
            assertTrue(!"ws-2".equals(b.get(u)));
        }
        double fraction = moved / (double) USERS;
        assertTrue(fraction > 0.7 / k && fraction < 1.3 / k, "moved " + fraction + ", ideal " + 1.0 / k);
    }

    @Test
    void spreadIsEvenAndAssignmentDeterministic() {
        HashRing ring = new HashRing(pods(5), VNODES);
        Map<String, Integer> load = new HashMap<>();
        USER_IDS.forEach(u -> load.merge(ring.podFor(u).orElseThrow(), 1, Integer::sum));
        load.values().forEach(n -> assertTrue(n > USERS / 5 * 0.75 && n < USERS / 5 * 1.25, "load " + load));
        assertEquals(assign(ring), assign(new HashRing(List.of("ws-4", "ws-3", "ws-2", "ws-1", "ws-0"), VNODES)),
                "every replica builds the same ring whatever the order it read the pods in");
        assertTrue(new HashRing(List.of(), VNODES).podFor("alice").isEmpty());
    }
}
