package dev.parley.metrics.slo;

import java.time.Duration;

/**
 * Bad/total event increases in fixed time slots, kept in a ring of fixed size: memory is bounded
 * by {@code capacity} whatever the traffic, and a slot older than the ring is overwritten. A window
 * sum adds the slots whose start lies in (now − window, now], so the windows are exact to one slot.
 * Not thread-safe; {@link SloEngine} guards it.
 */
final class CountRing {

    private final long slotMillis;
    private final int capacity;
    private final long[] slotIndex;
    private final double[] bad;
    private final double[] total;

    CountRing(Duration slot, Duration span) {
        this.slotMillis = slot.toMillis();
        if (slotMillis <= 0) {
            throw new IllegalArgumentException("slot must be positive");
        }
        this.capacity = (int) Math.min(Integer.MAX_VALUE - 8, span.toMillis() / slotMillis + 2);
        this.slotIndex = new long[capacity];
        this.bad = new double[capacity];
        this.total = new double[capacity];
        java.util.Arrays.fill(slotIndex, Long.MIN_VALUE);
    }

    void add(long epochMillis, double badIncrease, double totalIncrease) {
        long index = Math.floorDiv(epochMillis, slotMillis);
        int slot = (int) Math.floorMod(index, (long) capacity);
        if (slotIndex[slot] != index) {
            slotIndex[slot] = index;
            bad[slot] = 0;
            total[slot] = 0;
        }
        bad[slot] += badIncrease;
        total[slot] += totalIncrease;
    }

    /** Sums over the last {@code windows} (ascending) ending at {@code nowMillis}, in one pass. */
    EventCounts[] sums(long nowMillis, Duration[] windows) {
        EventCounts[] result = new EventCounts[windows.length];
        long newest = Math.floorDiv(nowMillis, slotMillis);
        double b = 0;
        double t = 0;
        long slotsDone = 0;
        for (int w = 0; w < windows.length; w++) {
            long slots = Math.min(capacity, Math.max(1, windows[w].toMillis() / slotMillis));
            for (; slotsDone < slots; slotsDone++) {
                long index = newest - slotsDone;
                int slot = (int) Math.floorMod(index, (long) capacity);
                if (slotIndex[slot] == index) {
                    b += bad[slot];
                    t += total[slot];
                }
            }
            result[w] = new EventCounts(b, t);
        }
        return result;
    }

    int capacity() {
        return capacity;
    }
}
