package dev.parley.contracts;

/** The six services of the fleet and the HTTP port each one listens on by default. */
public enum FleetService {
    GATEWAY("gateway", 8080),
    WS_SERVICE("ws-service", 8081),
    DELIVERY_CONSUMER("delivery-consumer", 8082),
    PERSISTENCE_CONSUMER("persistence-consumer", 8083),
    SEAT_SERVICE("seat-service", 8084),
    METRICS_SERVICE("metrics-service", 8085);

    private final String serviceName;
    private final int defaultPort;

    FleetService(String serviceName, int defaultPort) {
        this.serviceName = serviceName;
        this.defaultPort = defaultPort;
    }

    public String serviceName() {
        return serviceName;
    }

    public int defaultPort() {
        return defaultPort;
    }
}
