package dev.parley.metrics.slo;

import java.util.List;

/**
 * A multi-window burn-rate condition: it fires when the burn rate exceeds {@code factor} over the
 * long window AND over the short window (the short one makes the alert reset soon after recovery).
 * The four rules are the ones of the Google SRE workbook for a 30-day period.
 */
public record BurnRateAlertRule(Severity severity, BurnWindow longWindow, BurnWindow shortWindow, double factor) {

    public static final List<BurnRateAlertRule> DEFAULT_RULES = List.of(
            new BurnRateAlertRule(Severity.P1, BurnWindow.H1, BurnWindow.M5, 14.4),
            new BurnRateAlertRule(Severity.P1, BurnWindow.H6, BurnWindow.M30, 6),
            new BurnRateAlertRule(Severity.P2, BurnWindow.D1, BurnWindow.H2, 3),
            new BurnRateAlertRule(Severity.P2, BurnWindow.D3, BurnWindow.H6, 1));

    /** The error ratio both windows must exceed: factor × error budget (14.4 × 0.001 = 0.0144). */
    public double errorRatioThreshold(SloObjective objective) {
        return factor * objective.errorBudget();
    }
}
