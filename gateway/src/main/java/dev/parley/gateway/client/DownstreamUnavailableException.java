package dev.parley.gateway.client;

/** The downstream answered 5xx or could not be reached: retried (reads only) and counted by the breaker. */
public class DownstreamUnavailableException extends RuntimeException {

    private final int status;

    public DownstreamUnavailableException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
