package dev.parley.metrics.slo;

/** Bad and total events summed over a window (counter increases, never ratios). */
public record EventCounts(double bad, double total) {

    public static final EventCounts ZERO = new EventCounts(0, 0);

    public boolean hasTraffic() {
        return total > 0;
    }

    /** bad / total, or NaN when there was no traffic ("no data"). */
    public double errorRatio() {
        return total > 0 ? bad / total : Double.NaN;
    }

    public EventCounts plus(double moreBad, double moreTotal) {
        return new EventCounts(bad + moreBad, total + moreTotal);
    }
}
