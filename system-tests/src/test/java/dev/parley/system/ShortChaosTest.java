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
 * modest load through the gateway, Redis restarted empty, and the Kafka broker killed -9 and
 * restarted on its data directory. The whole set, longer and at more load, is {@link ChaosTest}
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

    /** Second: the pods' pod-channel subscriptions do not survive it (docs/reliability.md). */
    @Test
    @Order(2)
    void redisRestartedEmptyLosesNothingAcknowledged() throws Exception {
        HistoryChecker.Verdict v = ChaosRun.run(fleet, "redis-restart-empty", SHAPE, REPORT, () -> fleet.chat.redis.killAndRestart());
        assertTrue(v.holds(), v.line("redis-restart-empty"));
    }

    @Test
    @Order(1)
    void brokerKilledAndRestartedLosesNothingAcknowledged() throws Exception {
        HistoryChecker.Verdict v = ChaosRun.run(fleet, "kafka-broker-kill-9", SHAPE, REPORT, () -> fleet.chat.kafka.killAndRestart());
        assertTrue(v.holds(), v.line("kafka-broker-kill-9"));
    }
}
