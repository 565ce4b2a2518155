package dev.parley.metrics.collector;

/** The scraped text is not valid Prometheus text format; the scrape is discarded, nothing is recorded. */
public class PrometheusParseException extends RuntimeException {

    public PrometheusParseException(int line, String message) {
        super("line " + line + ": " + message);
    }
}
