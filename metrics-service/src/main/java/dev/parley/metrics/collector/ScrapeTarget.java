package dev.parley.metrics.collector;

/**
 * One thing to scrape: an instance (a pod, or the service's single configured address) of a
 * service. Several instances of one service are merged into the service's series.
 */
public record ScrapeTarget(String service, String instance, String baseUrl) {
}
