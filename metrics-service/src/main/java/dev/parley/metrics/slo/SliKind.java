package dev.parley.metrics.slo;

/** What an objective counts as a bad event. */
public enum SliKind {
    /** Bad = HTTP 5xx responses; total = all responses. */
    AVAILABILITY,
    /** Bad = requests slower than the threshold (total minus the bucket at the threshold); total = all requests. */
    LATENCY
}
