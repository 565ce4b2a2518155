package dev.parley.metrics.slo;

/** The state of one objective. NO_DATA (no traffic in any window) is never reported as OK. */
public enum AlertState {
    NO_DATA,
    OK,
    P2,
    P1
}
