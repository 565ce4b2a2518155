package dev.parley.metrics.slo;

/** Alert severities: P1 pages someone, P2 opens a ticket. */
public enum Severity {
    P1("page"),
    P2("ticket");

    private final String slothName;

    Severity(String slothName) {
        this.slothName = slothName;
    }

    /** The severity label Sloth puts on its generated alerts. */
    public String slothName() {
        return slothName;
    }
}
