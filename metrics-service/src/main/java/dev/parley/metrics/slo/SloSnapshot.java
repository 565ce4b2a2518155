package dev.parley.metrics.slo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One evaluation of an objective. Ratios and burn rates are null when their window saw no traffic.
 *
 * @param periodErrorRatio     bad / total over the whole period, from summed counters
 * @param budgetConsumed       share of the period's error budget used: bad / ((1 − target) × total)
 * @param budgetRemaining      1 − budgetConsumed (negative when overspent)
 * @param burnRates            error ratio over the window / (1 − target), per window
 * @param firing               the alert rules whose both windows exceed their factor
 * @param previousState        the state before this evaluation (differs from state on a transition)
 */
public record SloSnapshot(
        String objective,
        String service,
        SliKind kind,
        double target,
        Long latencyThresholdMs,
        Instant at,
        AlertState state,
        AlertState previousState,
        double periodBad,
        double periodTotal,
        Double periodErrorRatio,
        Double budgetConsumed,
        Double budgetRemaining,
        Map<String, Double> burnRates,
        Map<String, Double> errorRatios,
        List<BurnRateAlertRule> firing) {

    public boolean changed() {
        return state != previousState;
    }
}
