package dev.parley.gateway.relay;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded number of long-lived relayed connections, exported as a gauge. A slot is given back
 * exactly once, however many of its close, end and failure callbacks fire.
 */
final class RelaySlots {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    RelaySlots(int max, String gauge, String description, MeterRegistry registry) {
        this.max = max;
        Gauge.builder(gauge, open, AtomicInteger::get).description(description).register(registry);
    }

    /** A release action for the slot taken, or null when every slot is in use. */
    Runnable take() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        };
    }

    int open() {
        return open.get();
    }
}
