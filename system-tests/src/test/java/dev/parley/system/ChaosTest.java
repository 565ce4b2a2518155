package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code make chaos} (docs/reliability.md): the whole fleet, two ws-service pods behind the
 * gateway, a steady chat load through the gateway, and one fault at a time at load. Every run's
 * history is checked ({@link HistoryChecker}); the guarantee — nothing acknowledged lost, nothing
 * stored twice, order kept — must hold for every fault. Figures: target/chaos/chaos.txt.
 * Load: -Dchaos.users (24) × -Dchaos.devices (2) devices, -Dchaos.rate (30) sends/s.
 */
@Tag("chaos")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosTest {

    private static final ChaosRun.Shape SHAPE = new ChaosRun.Shape(
            Integer.getInteger("chaos.users", 24), Integer.getInteger("chaos.devices", 2), Integer.getInteger("chaos.rate", 30),
            Duration.ofSeconds(15), Duration.ofSeconds(30));
    private static final Duration DOWN = Duration.ofSeconds(2);
    private static final String REPORT = "chaos.txt";

    private ChaosFleet fleet;

    @BeforeAll
    void start() throws Exception {
        Files.deleteIfExists(ChaosFleet.REPORTS.resolve(REPORT));
        fleet = new ChaosFleet();
    }

    @AfterAll
    void stop() {
        if (fleet != null) {
            fleet.close();
        }
    }

    private void fault(String name, Runnable inject) throws Exception {
        HistoryChecker.Verdict v = ChaosRun.run(fleet, name, SHAPE, REPORT, inject);
        assertTrue(v.holds(), v.line(name));
    }

    @Test
    @Order(1)
    void deliveryConsumerKilled() throws Exception {
        fault("delivery-consumer-kill", () -> ChaosFleet.killAndRestart(fleet.chat.delivery, DOWN));
    }

    @Test
    @Order(2)
    void persistenceConsumerKilled() throws Exception {
        fault("persistence-consumer-kill", () -> ChaosFleet.killAndRestart(fleet.chat.persistence, DOWN));
    }

    /** Its users' connections drop; they reconnect through the gateway, whose ring sends them to the other pod. */
    @Test
    @Order(3)
    void oneWsPodKilled() throws Exception {
        fault("ws-pod-kill", () -> {
            fleet.chat.wsB.kill();
            ChaosFleet.sleep(20_000); // the other pod carries everyone meanwhile
            fleet.chat.wsB.start().awaitReady(ChatFleet.READY);
        });
    }

    @Test
    @Order(4)
    void gatewayKilled() throws Exception {
        fault("gateway-kill", () -> ChaosFleet.killAndRestart(fleet.gateway, DOWN));
    }

    /** Last but the seat rush (which restarts Redis too): see docs/reliability.md on what a Redis restart leaves behind. */
    @Test
    @Order(6)
    void redisRestartedEmpty() throws Exception {
        fault("redis-restart-empty", () -> fleet.chat.redis.killAndRestart());
    }

    @Test
    @Order(5)
    void kafkaBrokerKilledAndRestarted() throws Exception {
        fault("kafka-broker-kill-9", () -> fleet.chat.kafka.killAndRestart());
    }

    /** 50 seats, 300 users; mid-rush Redis restarts empty, then seat-service is killed -9 and started again. */
    @Test
    @Order(7)
    void seatRushWithRedisRestartAndSeatServiceKilled() throws Exception {
        fleet.seats.awaitReady(ChatFleet.READY); // not the chat pipeline: the pods may still be deaf after the Redis fault

        SeatRush.Outcome o = SeatRush.run(fleet.seats, () -> fleet.chat.db("seat"), 50, 300, () -> {
            fleet.chat.redis.killAndRestart();
            ChaosFleet.sleep(1_000);
            ChaosFleet.killAndRestart(fleet.seats, DOWN);
        });
        ChaosFleet.report(REPORT, o.line("seat-rush+redis+kill"));
        assertTrue(o.holds(), o.line("seat-rush+redis+kill"));
    }
}
