package dev.parley.metrics.collector;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A fixed-capacity ring: adding to a full ring drops the oldest element. Thread-safe. */
public final class Ring<T> {

    private final Object[] items;
    private int next;
    private int size;

    public Ring(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.items = new Object[capacity];
    }

    public synchronized void add(T item) {
        items[next] = item;
        next = (next + 1) % items.length;
        size = Math.min(size + 1, items.length);
    }

    @SuppressWarnings("unchecked")
    public synchronized T newest() {
        return size == 0 ? null : (T) items[(next - 1 + items.length) % items.length];
    }

    /** Oldest first. */
    @SuppressWarnings("unchecked")
    public synchronized List<T> toList() {
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add((T) items[(next - size + i + items.length) % items.length]);
        }
        return out;
    }

    /** The oldest element matching {@code filter}, or null. */
    @SuppressWarnings("unchecked")
    public synchronized T oldestMatching(Predicate<T> filter) {
        for (int i = 0; i < size; i++) {
            T item = (T) items[(next - size + i + items.length) % items.length];
            if (filter.test(item)) {
                return item;
            }
        }
        return null;
    }

    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return items.length;
    }
}
