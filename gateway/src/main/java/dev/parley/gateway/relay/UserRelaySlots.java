package dev.parley.gateway.relay;

import dev.parley.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Long-lived relayed connections per user — chat and seat WebSockets and SSE streams together —
 * so that one account cannot take a large share of the JVM-wide slots. A user's entry exists only
 * while the user holds a connection here: the map is bounded by the relays' own limit.
 */
@ApplicationScoped
public class UserRelaySlots {

    private final int max;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Counter refused;

    public UserRelaySlots(GatewayConfig config, MeterRegistry registry) {
        this.max = config.relay().maxPerUser();
        this.refused = Counter.builder("parley.gateway.relay.user.refused")
                .description("relayed connections refused because their user already held as many as allowed").register(registry);
    }

    /** A release action for the slot taken, or null when the user holds {@code max-per-user} already. */
    Runnable take(String userId) {
        boolean[] taken = new boolean[1];
        open.compute(userId, (u, n) -> {
            int current = n == null ? 0 : n;
            if (current >= max) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        if (!taken[0]) {
            refused.increment();
            return null;
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                open.computeIfPresent(userId, (u, n) -> n <= 1 ? null : n - 1);
            }
        };
    }

    int openOf(String userId) {
        return open.getOrDefault(userId, 0);
    }

    int users() {
        return open.size();
    }
}
