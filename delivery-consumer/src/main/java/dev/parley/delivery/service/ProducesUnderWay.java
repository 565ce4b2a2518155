package dev.parley.delivery.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sequenced produces of earlier rounds that the broker has not acknowledged yet, retries
 * included. Seeding a counter after a Redis loss waits for them: only then does the sequenced
 * topic's tail hold every seq this process gave (a record still in flight would otherwise be
 * missed and its seq given again).
 */
@ApplicationScoped
public class ProducesUnderWay {

    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    /** Tracks {@code produce} until it completes, whichever way; returns it. */
    public CompletionStage<Void> track(CompletionStage<Void> produce) {
        CompletableFuture<Void> future = produce.toCompletableFuture();
        pending.add(future);
        future.whenComplete((ok, failure) -> pending.remove(future));
        return future;
    }

    /** Completes once every produce under way now has completed (a failed one counts as completed). */
    public Uni<Void> settled() {
        CompletableFuture<?>[] now = pending.toArray(CompletableFuture[]::new);
        if (now.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(now).handle((ok, failure) -> (Void) null));
    }
}
