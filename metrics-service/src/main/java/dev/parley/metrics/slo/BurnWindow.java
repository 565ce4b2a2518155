package dev.parley.metrics.slo;

import java.time.Duration;

/** The windows burn rates are computed over; the suffixes are the ones Sloth's rule names use. */
public enum BurnWindow {
    M5("5m", Duration.ofMinutes(5)),
    M30("30m", Duration.ofMinutes(30)),
    H1("1h", Duration.ofHours(1)),
    H2("2h", Duration.ofHours(2)),
    H6("6h", Duration.ofHours(6)),
    D1("1d", Duration.ofDays(1)),
    D3("3d", Duration.ofDays(3));

    private final String promDuration;
    private final Duration duration;

    BurnWindow(String promDuration, Duration duration) {
        this.promDuration = promDuration;
        this.duration = duration;
    }

    /** The window as a Prometheus duration ("5m", "1d"). */
    public String promDuration() {
        return promDuration;
    }

    public Duration duration() {
        return duration;
    }

    public static BurnWindow longest() {
        return D3;
    }
}
