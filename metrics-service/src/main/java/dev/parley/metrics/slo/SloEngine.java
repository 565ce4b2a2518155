package dev.parley.metrics.slo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Error budget, burn rates and multi-window multi-burn-rate alert state of one objective.
 *
 * <p>It is fed counter increases (bad, total) as they are observed and keeps them in two bounded
 * rings: fine slots (the resolution, 10 s by default) spanning the longest burn window (3 days),
 * and one-hour slots spanning the budget period (30 days). Every ratio is Σbad / Σtotal over its
 * window — never an average of per-slot ratios, which would overweight quiet minutes.
 *
 * <p>Time comes from the injected {@link Clock}, so tests replay days of traffic in milliseconds.
 */
public final class SloEngine {

    private static final Duration COARSE_SLOT = Duration.ofHours(1);
    private static final BurnWindow[] WINDOWS = BurnWindow.values();
    private static final Duration[] WINDOW_DURATIONS;

    static {
        WINDOW_DURATIONS = new Duration[WINDOWS.length];
        for (int i = 0; i < WINDOWS.length; i++) {
            WINDOW_DURATIONS[i] = WINDOWS[i].duration();
        }
    }

    private final SloObjective objective;
    private final Duration period;
    private final Clock clock;
    private final List<BurnRateAlertRule> rules;
    private final long minEvents;
    private final CountRing fine;
    private final CountRing coarse;
    private AlertState state = AlertState.NO_DATA;

    public SloEngine(SloObjective objective, Duration period, Duration resolution, Clock clock) {
        this(objective, period, resolution, clock, BurnRateAlertRule.DEFAULT_RULES, 0);
    }

    /** @param minEvents events the short window of a rule needs before the rule may fire */
    public SloEngine(SloObjective objective, Duration period, Duration resolution, Clock clock,
                     List<BurnRateAlertRule> rules, long minEvents) {
        if (period.compareTo(BurnWindow.longest().duration()) < 0) {
            throw new IllegalArgumentException("the SLO period must be at least as long as the longest burn window");
        }
        this.objective = objective;
        this.period = period;
        this.clock = clock;
        this.rules = List.copyOf(rules);
        this.minEvents = minEvents;
        this.fine = new CountRing(resolution, BurnWindow.longest().duration());
        this.coarse = new CountRing(COARSE_SLOT, period);
    }

    public SloObjective objective() {
        return objective;
    }

    /** Records counter increases observed at {@code at}; negative increases are rejected. */
    public synchronized void record(Instant at, double badIncrease, double totalIncrease) {
        if (badIncrease < 0 || totalIncrease < 0 || badIncrease > totalIncrease
                || Double.isNaN(badIncrease) || Double.isNaN(totalIncrease)) {
            throw new IllegalArgumentException("increases must satisfy 0 <= bad <= total, got bad=" + badIncrease
                    + " total=" + totalIncrease);
        }
        if (totalIncrease == 0) {
            return;
        }
        long millis = at.toEpochMilli();
        fine.add(millis, badIncrease, totalIncrease);
        coarse.add(millis, badIncrease, totalIncrease);
    }

    /** Evaluates at the clock's current instant and remembers the resulting alert state. */
    public synchronized SloSnapshot evaluate() {
        Instant now = clock.instant();
        long nowMillis = now.toEpochMilli();
        EventCounts[] windows = fine.sums(nowMillis, WINDOW_DURATIONS);
        EventCounts periodCounts = coarse.sums(nowMillis, new Duration[] {period})[0];

        double budget = objective.errorBudget();
        Map<String, Double> burnRates = new LinkedHashMap<>();
        Map<String, Double> errorRatios = new LinkedHashMap<>();
        Map<BurnWindow, Double> burnByWindow = new java.util.EnumMap<>(BurnWindow.class);
        Map<BurnWindow, Double> eventsByWindow = new java.util.EnumMap<>(BurnWindow.class);
        boolean anyTraffic = false;
        for (int i = 0; i < WINDOWS.length; i++) {
            EventCounts counts = windows[i];
            Double ratio = counts.hasTraffic() ? counts.errorRatio() : null;
            Double burn = ratio == null ? null : ratio / budget;
            anyTraffic |= counts.hasTraffic();
            errorRatios.put(WINDOWS[i].promDuration(), ratio);
            burnRates.put(WINDOWS[i].promDuration(), burn);
            burnByWindow.put(WINDOWS[i], burn);
            eventsByWindow.put(WINDOWS[i], counts.total());
        }

        List<BurnRateAlertRule> firing = new ArrayList<>();
        for (BurnRateAlertRule rule : rules) {
            Double longBurn = burnByWindow.get(rule.longWindow());
            Double shortBurn = burnByWindow.get(rule.shortWindow());
            boolean enough = eventsByWindow.get(rule.shortWindow()) >= minEvents;
            if (longBurn != null && shortBurn != null && longBurn > rule.factor() && shortBurn > rule.factor() && enough) {
                firing.add(rule);
            }
        }

        AlertState next;
        if (!anyTraffic && !periodCounts.hasTraffic()) {
            next = AlertState.NO_DATA;
        } else if (firing.stream().anyMatch(r -> r.severity() == Severity.P1)) {
            next = AlertState.P1;
        } else if (!firing.isEmpty()) {
            next = AlertState.P2;
        } else if (!anyTraffic) {
            // Traffic earlier in the period but none in the last 3 days: nothing current to judge.
            next = AlertState.NO_DATA;
        } else {
            next = AlertState.OK;
        }

        Double periodRatio = periodCounts.hasTraffic() ? periodCounts.errorRatio() : null;
        Double consumed = periodRatio == null ? null : periodCounts.bad() / (budget * periodCounts.total());
        Double remaining = consumed == null ? null : 1.0 - consumed;
        AlertState previous = state;
        state = next;
        return new SloSnapshot(objective.name(), objective.service(), objective.kind(), objective.target(),
                objective.latencyThresholdMs().isPresent() ? objective.latencyThresholdMs().getAsLong() : null,
                now, next, previous, periodCounts.bad(), periodCounts.total(), periodRatio, consumed, remaining,
                Collections.unmodifiableMap(burnRates), Collections.unmodifiableMap(errorRatios), List.copyOf(firing));
    }

    public synchronized AlertState state() {
        return state;
    }

    public List<BurnRateAlertRule> rules() {
        return rules;
    }
}
