package dev.parley.metrics.collector;

import java.util.List;

/** Where the fleet is: configured addresses, or the ready endpoints Kubernetes knows. */
public interface TargetSource {

    /** Every instance to scrape now. */
    List<ScrapeTarget> targets();

    /** Services to show even while no instance of theirs is known (the configured fleet). */
    List<String> expectedServices();
}
