package dev.parley.contracts;

/** Kafka consumer groups; KEDA triggers and the lag collector name them from here. */
public final class ConsumerGroups {

    public static final String DELIVERY = "delivery";
    public static final String PERSISTENCE = "persistence";

    private ConsumerGroups() {
    }
}
