package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The short versions of the chaos faults that fit the ordinary suite (docs/reliability.md): at a
 * modest load through the gateway, the Kafka broker killed -9 and restarted on its data directory,
 * Redis restarted empty, and delivery-consumer killed -9 and restarted. The whole set, longer and at more load, is {@link ChaosTest}
 * ({@code make chaos}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShortChaosTest {

    /** 12 users × 2 devices, 20 sends/s, 15 s of load before the fault and 25 s after it. */
    private static final ChaosRun.Shape SHAPE = new ChaosRun.Shape(12, 2, 20, Duration.ofSeconds(15), Duration.ofSeconds(25));
    private static final String REPORT = "short-chaos.txt";

    private ChaosFleet fleet;

    @BeforeAll
    void start() throws Exception {
        fleet = new ChaosFleet();
    }

    @AfterAll
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /**
     * The pods' pod-channel subscriptions end with Redis's connections; the pods subscribe again and
     * tell their clients to sync, so deliveries are live again long before the load ends (25 s).
     */
    @Test
    @Order(2)
    void redisRestartedEmptyLosesNothingAcknowledgedAndDeliveryIsLiveAgain() throws Exception {
        HistoryChecker.Verdict v = ChaosRun.run(fleet, "redis-restart-empty", SHAPE, REPORT, () -> fleet.chat.redis.killAndRestart());
        assertTrue(v.holds(), v.line("redis-restart-empty"));
        assertTrue(v.recoverySeconds() < 15, "messages are delivered within " + ChaosRun.SLOW_MS + " ms again within 15 s of the restart: "
                + v.line("redis-restart-empty"));
    }

    /**
     * The restarted consumer is a static member of its group under the same name: it takes its
     * partitions back as it joins, instead of after the session timeout (45 s before), and is ready
     * only then; sends are sequenced again within 5 s of that.
     */
    @Test
    @Order(3)
    void deliveryConsumerKilledSequencesAgainWithinSecondsOfBeingReady() throws Exception {
        long[] restart = new long[2];
        HistoryChecker.Verdict v = ChaosRun.run(fleet, "delivery-consumer-kill", SHAPE, REPORT, () -> {
            restart[0] = System.nanoTime();
            ChaosFleet.killAndRestart(fleet.chat.delivery, Duration.ofSeconds(1));
            restart[1] = System.nanoTime();
        });
        assertTrue(v.holds(), v.line("delivery-consumer-kill"));
        double ready = (restart[1] - restart[0]) / 1e9;
        assertTrue(v.recoverySeconds() < ready + 5, String.format("ready again %.1f s after the kill, recovered after %.1f s: %s",
                ready, v.recoverySeconds(), v.line("delivery-consumer-kill")));
    }

    @Test
    @Order(1)
    void brokerKilledAndRestartedLosesNothingAcknowledged() throws Exception {
        HistoryChecker.Verdict v = ChaosRun.run(fleet, "kafka-broker-kill-9", SHAPE, REPORT, () -> fleet.chat.kafka.killAndRestart());
        assertTrue(v.holds(), v.line("kafka-broker-kill-9"));
    }
}
