package dev.parley.delivery.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class PollLaneTest {

    private record Poll(String name, int size) {
    }

    /** Records every round; each round completes (and its produce) only when the test says so. */
    private static final class Recorder implements PollLane.Polls<Poll> {
        final List<List<String>> rounds = new ArrayList<>();
        final List<CompletableFuture<CompletionStage<Void>>> delivered = new ArrayList<>();
        final List<String> settled = new ArrayList<>();

        @Override
        public int size(Poll poll) {
            return poll.size();
        }

        @Override
        public Uni<CompletionStage<Void>> deliver(List<Poll> round) {
            rounds.add(round.stream().map(Poll::name).toList());
            CompletableFuture<CompletionStage<Void>> done = new CompletableFuture<>();
            delivered.add(done);
            return Uni.createFrom().completionStage(done);
        }

        @Override
        public CompletionStage<Void> ack(Poll poll) {
            settled.add("ack " + poll.name());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> nack(Poll poll, Throwable failure) {
            settled.add("nack " + poll.name() + ": " + failure.getMessage());
            return CompletableFuture.completedFuture(null);
        }

        /** Completes round {@code i}, its produce too. */
        void finish(int i) {
            delivered.get(i).complete(CompletableFuture.completedFuture(null));
        }
    }

    @Test
    void pollsQueuedDuringARoundAreDeliveredTogetherInTheOrderTheyCame() {
        Recorder polls = new Recorder();
        PollLane<Poll> lane = new PollLane<>(polls, 500, 1000);

        lane.submit(new Poll("a", 1));
        lane.submit(new Poll("b", 2));
        lane.submit(new Poll("c", 1));
        assertEquals(List.of(List.of("a")), polls.rounds, "a poll finding the lane idle goes at once, alone");

        polls.finish(0);
        assertEquals(List.of(List.of("a"), List.of("b", "c")), polls.rounds);
        lane.submit(new Poll("d", 1));
        assertEquals(2, polls.rounds.size(), "no round starts while one is under way");

        polls.finish(1);
        polls.finish(2);
        assertEquals(List.of(List.of("a"), List.of("b", "c"), List.of("d")), polls.rounds);
        assertEquals(List.of("ack a", "ack b", "ack c", "ack d"), polls.settled);
        assertEquals(0, lane.unsettled());
    }

    @Test
    void aRoundTakesWholePollsUpToItsMaximumAndALargerPollGoesWhole() {
        Recorder polls = new Recorder();
        PollLane<Poll> lane = new PollLane<>(polls, 10, 1000);

        lane.submit(new Poll("first", 1));
        lane.submit(new Poll("a", 6));
        lane.submit(new Poll("b", 4));
        lane.submit(new Poll("c", 1));
        lane.submit(new Poll("huge", 25));
        for (int i = 0; i < 4; i++) {
            polls.finish(i);
        }

        assertEquals(List.of(List.of("first"), List.of("a", "b"), List.of("c"), List.of("huge")), polls.rounds);
    }

    @Test
    void aPollIsAckedOnlyWhenItsRoundsProduceIsAcknowledgedAndNackedWhenTheRoundFailed() {
        Recorder polls = new Recorder();
        PollLane<Poll> lane = new PollLane<>(polls, 500, 1000);
        CompletableFuture<Void> produce = new CompletableFuture<>();

        lane.submit(new Poll("a", 1));
        lane.submit(new Poll("b", 1));
        polls.delivered.get(0).complete(produce);
        assertEquals(List.of(List.of("a"), List.of("b")), polls.rounds, "the next round does not wait for the broker");
        assertEquals(List.of(), polls.settled);
        assertEquals(2, lane.unsettled());

        polls.delivered.get(1).completeExceptionally(new IllegalStateException("redis down"));
        assertEquals(List.of("nack b: redis down"), polls.settled);
        produce.complete(null);
        assertEquals(List.of("nack b: redis down", "ack a"), polls.settled);

        lane.submit(new Poll("c", 1));
        assertEquals(List.of("c"), polls.rounds.get(2), "a failed round does not stop the lane");
    }

    @Test
    void beyondItsBoundALaneHoldsTheConsumerUntilItsOwnPollIsSettled() {
        Recorder polls = new Recorder();
        PollLane<Poll> lane = new PollLane<>(polls, 500, 5);

        CompletableFuture<Void> first = lane.submit(new Poll("a", 3)).subscribeAsCompletionStage();
        CompletableFuture<Void> second = lane.submit(new Poll("b", 2)).subscribeAsCompletionStage();
        CompletableFuture<Void> third = lane.submit(new Poll("c", 1)).subscribeAsCompletionStage();
        assertTrue(first.isDone());
        assertTrue(second.isDone(), "5 unsettled records are within the bound");
        assertFalse(third.isDone(), "the 6th is beyond it: its consumer waits");

        polls.finish(0);
        assertFalse(third.isDone());
        polls.finish(1);
        assertTrue(third.isDone());
        assertEquals(0, lane.unsettled());
    }
}
