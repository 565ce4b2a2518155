package dev.parley.metrics.collector;

import dev.parley.metrics.config.ScrapeConfig;
import dev.parley.metrics.service.FleetMonitor;
import dev.parley.metrics.service.SloService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Map;
import org.jboss.logging.Logger;

/** Every interval: scrape all targets (at most max-concurrency at once), ingest, evaluate the SLOs. */
@Singleton
public class ScrapeLoop {

    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class);

    private final MetricsScraper scraper;
    private final FleetMonitor fleet;
    private final SloService slos;
    private final ScrapeConfig config;
    private final Clock clock;

    public ScrapeLoop(MetricsScraper scraper, FleetMonitor fleet, SloService slos, ScrapeConfig config, Clock clock) {
        this.scraper = scraper;
        this.fleet = fleet;
        this.slos = slos;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${parley.scrape.interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return scrapeAll();
    }

    public Uni<Void> scrapeAll() {
        return Multi.createFrom().iterable(fleet.targets().entrySet())
                .onItem().transformToUni(this::scrapeOne).merge(Math.max(1, config.maxConcurrency()))
                .collect().last()
                .invoke(ignored -> slos.evaluate())
                .replaceWithVoid();
    }

    private Uni<Void> scrapeOne(Map.Entry<String, String> target) {
        String service = target.getKey();
        return scraper.scrape(target.getValue())
                .map(samples -> SampleExtractor.extract(clock.millis(), samples, config.workCounters(), config.failureCounters()))
                .invoke(sample -> fleet.ingest(service, sample))
                .replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("scrape of %s failed: %s", service, failure.toString());
                    fleet.failed(service, clock.millis(), String.valueOf(failure.getMessage()));
                    return null;
                });
    }
}
