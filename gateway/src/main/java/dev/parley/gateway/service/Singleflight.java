package dev.parley.gateway.service;

import io.micrometer.core.instrument.Counter;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Request coalescing: while a call for a key is in flight, further callers for the same key wait
 * for that call's outcome (value or failure) instead of making their own. The entry is removed
 * when the call completes, so nothing is cached beyond the flight itself.
 */
public final class Singleflight<K, V> {

    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    private final Counter merged;

    public Singleflight(Counter merged) {
        this.merged = merged;
    }

    public Uni<V> run(K key, Supplier<Uni<V>> call) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<V> mine = new CompletableFuture<>();
            CompletableFuture<V> leader = inFlight.putIfAbsent(key, mine);
            if (leader != null) {
                merged.increment();
                return Uni.createFrom().completionStage(leader);
            }
            Uni<V> downstream;
            try {
                downstream = call.get();
            } catch (RuntimeException e) {
                downstream = Uni.createFrom().failure(e);
            }
            downstream.subscribe().with(
                    v -> {
                        inFlight.remove(key, mine);
                        mine.complete(v);
                    },
                    f -> {
                        inFlight.remove(key, mine);
                        mine.completeExceptionally(f);
                    });
            return Uni.createFrom().completionStage(mine);
        });
    }

    /** Keys with a call in flight right now. */
    public int inFlight() {
        return inFlight.size();
    }
}
