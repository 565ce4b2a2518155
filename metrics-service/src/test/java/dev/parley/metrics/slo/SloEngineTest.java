package dev.parley.metrics.slo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SLO math on synthetic counter series, replayed against a hand-moved clock. */
class SloEngineTest {

    private static final Duration STEP = Duration.ofSeconds(10);
    private static final double EPS = 1e-9;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SloObjective availability = SloObjective.availability("gw-avail", "gateway", 0.999);
    private final SloEngine engine = new SloEngine(availability, Duration.ofDays(30), STEP, clock);

    /** Advances the clock in scrape-sized steps, recording the given traffic each step. */
    private void run(Duration length, double requestsPerSecond, double errorRate) {
        long steps = length.dividedBy(STEP);
        double perStep = requestsPerSecond * STEP.toSeconds();
        for (long i = 0; i < steps; i++) {
            clock.advance(STEP);
            engine.record(clock.instant(), perStep * errorRate, perStep);
        }
    }

    @Test
    void zeroTrafficIsNoDataNeverHealthy() {
        clock.advance(Duration.ofHours(2));
        SloSnapshot s = engine.evaluate();
        assertEquals(AlertState.NO_DATA, s.state());
        assertNull(s.budgetRemaining());
        assertNull(s.periodErrorRatio());
        s.burnRates().values().forEach(v -> assertNull(v, "no traffic must give no burn rate"));

        engine.record(clock.instant(), 0, 0); // an empty scrape is still no data
        assertEquals(AlertState.NO_DATA, engine.evaluate().state());
    }

    @Test
    void exactBudgetAndBurnRatesFromCounters() {
        // 2 days at 10 req/s without errors, then 1 h at 10 req/s with 1 % errors.
        run(Duration.ofDays(2), 10, 0);
        run(Duration.ofHours(1), 10, 0.01);
        SloSnapshot s = engine.evaluate();

        double total = 10 * (2 * 86_400 + 3_600);
        double bad = 10 * 3_600 * 0.01;
        assertEquals(total, s.periodTotal(), EPS);
        assertEquals(bad, s.periodBad(), EPS);
        assertEquals(bad / total, s.periodErrorRatio(), EPS);
        // budget = 0.001 × total; consumed = bad / budget
        assertEquals(bad / (0.001 * total), s.budgetConsumed(), EPS);
        assertEquals(1 - bad / (0.001 * total), s.budgetRemaining(), EPS);

        // 5m, 30m and 1h lie inside the erroring hour: ratio 0.01 → burn 10×.
        assertEquals(10.0, s.burnRates().get("5m"), 1e-6);
        assertEquals(10.0, s.burnRates().get("30m"), 1e-6);
        assertEquals(10.0, s.burnRates().get("1h"), 1e-6);
        // 2h: half the requests at 1 % → 0.005 → 5×; 6h: 1/6 → 1.6667×.
        assertEquals(5.0, s.burnRates().get("2h"), 1e-6);
        assertEquals(10.0 / 6, s.burnRates().get("6h"), 1e-6);
        assertEquals(10.0 / 24, s.burnRates().get("1d"), 1e-6);
        // 3d holds all 49 hours of traffic: 1 % over 1 of them → 10/49.
        assertEquals(10.0 / 49, s.burnRates().get("3d"), 1e-6);
        // 10× over 1h but not 14.4×; 6h at 1.67× is below 6×; 1d at 0.42× below 3×; 3d 0.14× below 1×.
        assertEquals(AlertState.OK, s.state());
    }

    @Test
    void aHandfulOfSlowFirstRequestsDoesNotPage() {
        // A fresh fleet: 20 requests in the first minutes, half of them failing (cold JVMs).
        SloEngine guarded = new SloEngine(availability, Duration.ofDays(30), STEP, clock, BurnRateAlertRule.DEFAULT_RULES, 100);
        for (int i = 0; i < 10; i++) {
            clock.advance(STEP);
            guarded.record(clock.instant(), 1, 2);
        }
        SloSnapshot few = guarded.evaluate();
        assertEquals(500.0, few.burnRates().get("5m"), 1e-6, "the burn rate itself is reported as it is");
        assertEquals(AlertState.OK, few.state(), "20 events in 5m are below the 100 needed to page");

        // The same error ratio with enough events pages.
        for (int i = 0; i < 10; i++) {
            clock.advance(STEP);
            guarded.record(clock.instant(), 10, 20);
        }
        assertEquals(AlertState.P1, guarded.evaluate().state());
    }

    @Test
    void errorRatioIsFromSummedCountersNotAnAverageOfRatios() {
        // One busy hour with no errors, then one quiet hour where 10 % of few requests fail.
        run(Duration.ofHours(1), 90, 0);
        run(Duration.ofHours(1), 10, 0.1);
        SloSnapshot s = engine.evaluate();
        // Σbad/Σtotal = 3600 / 360000 = 0.01; averaging the two hourly ratios would give 0.05.
        assertEquals(0.01, s.errorRatios().get("2h"), 1e-12);
        assertEquals(10.0, s.burnRates().get("2h"), 1e-9);
    }

    @Test
    void outageFiresP1WithinTheExpectedTimeAndResetsAfterRecovery() {
        // A day of clean traffic first, so the long windows are full.
        run(Duration.ofDays(1), 20, 0);
        assertEquals(AlertState.OK, engine.evaluate().state());

        double errorRate = 0.3;
        // The 1h window crosses 14.4 × 0.001 after 1h × 14.4 × 0.001 / 0.3 = 172.8 s.
        double expectedSeconds = 3600 * 14.4 * 0.001 / errorRate;
        List<AlertState> seen = new ArrayList<>();
        long firedAfter = -1;
        for (int step = 1; step <= 60; step++) {
            run(STEP, 20, errorRate);
            SloSnapshot s = engine.evaluate();
            seen.add(s.state());
            if (s.state() == AlertState.P1) {
                firedAfter = step * STEP.toSeconds();
                assertTrue(s.changed());
                assertEquals(BurnWindow.H1, s.firing().get(0).longWindow());
                break;
            }
        }
        assertTrue(firedAfter > 0, "P1 never fired: " + seen);
        assertTrue(Math.abs(firedAfter - expectedSeconds) <= STEP.toSeconds(),
                "P1 fired after " + firedAfter + " s, expected ≈ " + expectedSeconds + " s");

        // Keep failing until 4 minutes in total, then recover.
        run(Duration.ofSeconds(240 - firedAfter), 20, errorRate);
        assertEquals(AlertState.P1, engine.evaluate().state());
        long resetAfter = -1;
        for (int step = 1; step <= 60; step++) {
            run(STEP, 20, 0);
            SloSnapshot s = engine.evaluate();
            if (s.state() != AlertState.P1) {
                resetAfter = step * STEP.toSeconds();
                assertEquals(AlertState.OK, s.state(), "after a 4-minute outage no ticket is due either");
                assertTrue(s.changed());
                break;
            }
        }
        // The 5m window forgets the outage once < 14.4 × 0.001 / 0.3 × 300 s = 14.4 s of it remain.
        assertTrue(resetAfter > 0, "P1 never reset");
        assertTrue(resetAfter >= 270 && resetAfter <= 300, "P1 reset after " + resetAfter + " s");
    }

    @Test
    void slowBurnRaisesATicketNotAPage() {
        // 0.5 % errors for a day: burn 5× — below 6× and 14.4×, above 3× over 1d and 2h.
        run(Duration.ofDays(1), 5, 0.005);
        SloSnapshot s = engine.evaluate();
        assertEquals(AlertState.P2, s.state());
        assertEquals(5.0, s.burnRates().get("1d"), 1e-6);
        assertTrue(s.firing().stream().allMatch(r -> r.severity() == Severity.P2));
    }

    @Test
    void memoryIsBoundedAcrossMonthsOfData() {
        SloEngine fine = new SloEngine(availability, Duration.ofDays(30), STEP, clock);
        for (int day = 0; day < 40; day++) {
            clock.advance(Duration.ofDays(1));
            fine.record(clock.instant(), 1, 100);
        }
        SloSnapshot s = fine.evaluate();
        // Only the days inside the 30-day period count; the ring overwrote the older ones.
        assertNotNull(s.periodErrorRatio());
        assertTrue(s.periodTotal() <= 3_000 + EPS && s.periodTotal() >= 2_900, "period total " + s.periodTotal());
    }

    @Test
    void latencyObjectiveNeedsAThreshold() {
        SloObjective latency = SloObjective.latency("gw-lat", "gateway", 0.99, 300);
        assertEquals(0.01, latency.errorBudget(), 1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SloObjective("x", "gateway", SliKind.LATENCY, 0.99, java.util.OptionalLong.empty()));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SloObjective.availability("x", "gateway", 1.0));
    }
}
