package dev.parley.gateway.routing;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable consistent-hash ring: each pod is placed at {@code virtualNodes} points (murmur3
 * of "pod#i"); a user belongs to the first point at or after the user's own hash. Adding or
 * removing one of K pods moves only the users between the changed points — about 1/K of them —
 * and every moved user goes to (or comes from) the changed pod.
 */
public final class HashRing {

    private static final HashFunction HASH = Hashing.murmur3_128();

    private final NavigableMap<Long, String> points;
    private final Set<String> pods;

    public HashRing(Collection<String> pods, int virtualNodes) {
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtualNodes must be positive");
        }
        TreeMap<Long, String> map = new TreeMap<>();
        TreeSet<String> sorted = new TreeSet<>(pods);
        // Sorted insertion: a (vanishingly rare) point collision resolves the same way everywhere.
        for (String pod : sorted) {
            for (int i = 0; i < virtualNodes; i++) {
                map.putIfAbsent(hash(pod + "#" + i), pod);
            }
        }
        this.points = map;
        this.pods = Set.copyOf(sorted);
    }

    public Set<String> pods() {
        return pods;
    }

    public Optional<String> podFor(String userId) {
        if (points.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<Long, String> e = points.ceilingEntry(hash(userId));
        return Optional.of((e != null ? e : points.firstEntry()).getValue());
    }

    private static long hash(String s) {
        return HASH.hashString(s, StandardCharsets.UTF_8).asLong();
    }
}
