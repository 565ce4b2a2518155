package dev.parley.delivery.messaging;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or the timeout passes (then the last failure is thrown). */
final class Eventually {

    private Eventually() {
    }

    static void assertWithin(Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    static <T> T valueWithin(Duration timeout, Supplier<T> supplier) {
        Object[] holder = new Object[1];
        assertWithin(timeout, () -> {
            T value = supplier.get();
            if (value == null) {
                throw new AssertionError("no value yet");
            }
            holder[0] = value;
        });
        @SuppressWarnings("unchecked")
        T value = (T) holder[0];
        return value;
    }
}
