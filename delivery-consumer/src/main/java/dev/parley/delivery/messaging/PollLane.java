package dev.parley.delivery.messaging;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Delivers polls one round at a time, a round being every poll that queued while the previous
 * round was under way (up to {@code roundMax} records). The consumers' polling threads slice the
 * stream into polls of one or two records whenever they are faster than delivery, and a round
 * costs about the same whatever its size (three pipelined Redis round trips, thread hand-overs):
 * delivered poll by poll, a backlog of small polls piles up behind each other. Merged, a round
 * grows with the backlog, so the cost per message falls as the load rises, and nothing waits for
 * a batch to fill — a poll that finds the lane idle starts a round of its own at once.
 * <p>
 * Rounds run one after the other, so every partition's polls (hence every conversation's
 * messages) are delivered in the order they were read. A poll is settled (acked or nacked) when
 * its round settled. Bounded: while more than {@code unsettledMax} records are queued or
 * unsettled, {@link #submit} answers a Uni that completes only when its own poll is settled, so a
 * consumer takes no further poll (and its connector pauses the partitions) until the lane caught up.
 *
 * @param <P> a poll
 */
final class PollLane<P> {

    /** What the lane needs of a poll and of the delivery of a round. */
    interface Polls<P> {

        int size(P poll);

        /**
         * Delivers a round, polls in order. The Uni completes when the next round may start; its
         * item completes when the round may be acked (the broker acknowledged what it produced).
         */
        Uni<CompletionStage<Void>> deliver(List<P> round);

        CompletionStage<Void> ack(P poll);

        CompletionStage<Void> nack(P poll, Throwable failure);
    }

    private record Queued<P>(P poll, int size, CompletableFuture<Void> settled) {
    }

    private final Polls<P> polls;
    private final int roundMax;
    private final int unsettledMax;
    /** Guarded by {@code this}, like the two fields below. */
    private final ArrayDeque<Queued<P>> queue = new ArrayDeque<>();
    private int unsettled;
    private boolean delivering;

    PollLane(Polls<P> polls, int roundMax, int unsettledMax) {
        this.polls = polls;
        this.roundMax = roundMax;
        this.unsettledMax = unsettledMax;
    }

    /**
     * Queues a poll for the next round. The Uni completes at once while the lane has room,
     * otherwise when this poll is settled.
     */
    Uni<Void> submit(P poll) {
        Queued<P> queued = new Queued<>(poll, polls.size(poll), new CompletableFuture<>());
        boolean start;
        boolean full;
        synchronized (this) {
            queue.add(queued);
            unsettled += queued.size();
            full = unsettled > unsettledMax;
            start = !delivering;
            delivering = true;
        }
        if (start) {
            deliverRounds();
        }
        return full ? Uni.createFrom().completionStage(queued.settled()) : Uni.createFrom().voidItem();
    }

    /** Records queued or delivered and not settled yet. */
    synchronized int unsettled() {
        return unsettled;
    }

    /**
     * Delivers rounds while polls are queued. A round that completes at once (nothing to wait for)
     * is followed in this loop, one that completes later calls back in: no recursion either way.
     */
    private void deliverRounds() {
        for (List<Queued<P>> round = nextRound(); round != null; round = nextRound()) {
            CompletableFuture<Void> done = deliver(round);
            if (!done.isDone()) {
                done.whenComplete((ok, failure) -> deliverRounds());
                return;
            }
        }
    }

    /** Whole polls up to roundMax records (at least one poll); null, and the lane idle, when none is queued. */
    private synchronized List<Queued<P>> nextRound() {
        if (queue.isEmpty()) {
            delivering = false;
            return null;
        }
        List<Queued<P>> round = new ArrayList<>();
        int records = 0;
        while (!queue.isEmpty() && (round.isEmpty() || records + queue.peek().size() <= roundMax)) {
            Queued<P> next = queue.poll();
            records += next.size();
            round.add(next);
        }
        return round;
    }

    /** Completes when the next round may start; settles the round's polls when they may be acked. */
    private CompletableFuture<Void> deliver(List<Queued<P>> round) {
        List<P> roundPolls = round.stream().map(Queued::poll).toList();
        return Uni.createFrom().deferred(() -> polls.deliver(roundPolls))
                .onItemOrFailure().invoke((produced, failure) -> {
                    if (failure != null) {
                        settle(round, failure);
                    } else {
                        produced.whenComplete((ok, produceFailure) -> settle(round, produceFailure));
                    }
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid()
                .subscribeAsCompletionStage();
    }

    /** Acks the round's polls (nacks them after a failure), then frees their room in the lane. */
    private void settle(List<Queued<P>> round, Throwable failure) {
        int size = 0;
        for (Queued<P> q : round) {
            size += q.size();
        }
        synchronized (this) {
            unsettled -= size;
        }
        for (Queued<P> q : round) {
            CompletionStage<Void> settled = failure == null ? polls.ack(q.poll()) : polls.nack(q.poll(), failure);
            settled.whenComplete((ok, settleFailure) -> q.settled().complete(null));
        }
    }
}
