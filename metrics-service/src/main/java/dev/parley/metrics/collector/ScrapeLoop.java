package dev.parley.metrics.collector;

import dev.parley.metrics.config.ScrapeConfig;
import dev.parley.metrics.service.FleetMonitor;
import dev.parley.metrics.service.SloService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Every interval: scrape every instance of every service (at most max-concurrency at once), merge
 * each service's instances into its series, ingest, evaluate the SLOs.
 */
@Singleton
public class ScrapeLoop {

    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class);

    /** One instance's scrape: a sample, or why there is none. */
    private record Result(ScrapeTarget target, ServiceSample sample, String error) {
    }

    private final MetricsScraper scraper;
    private final FleetMonitor fleet;
    private final SloService slos;
    private final ScrapeConfig config;
    private final TargetSource targets;
    private final Clock clock;
    private final Map<String, InstanceMerger> mergers = new ConcurrentHashMap<>();

    public ScrapeLoop(MetricsScraper scraper, FleetMonitor fleet, SloService slos, ScrapeConfig config, TargetSource targets, Clock clock) {
        this.scraper = scraper;
        this.fleet = fleet;
        this.slos = slos;
        this.config = config;
        this.targets = targets;
        this.clock = clock;
    }

    @Scheduled(every = "${parley.scrape.interval:5s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return scrapeAll();
    }

    public Uni<Void> scrapeAll() {
        List<ScrapeTarget> now = targets.targets();
        for (String service : targets.expectedServices()) {
            if (now.stream().noneMatch(t -> t.service().equals(service))) {
                fleet.failed(service, clock.millis(), "no ready instance");
            }
        }
        return Multi.createFrom().iterable(now)
                .onItem().transformToUni(this::scrapeOne).merge(Math.max(1, config.maxConcurrency()))
                .collect().asList()
                .invoke(this::ingest)
                .invoke(ignored -> slos.evaluate())
                .replaceWithVoid();
    }

    private Uni<Result> scrapeOne(ScrapeTarget target) {
        return scraper.scrape(target.baseUrl())
                .map(samples -> new Result(target, SampleExtractor.extract(clock.millis(), samples, config.workCounters(), config.failureCounters()), null))
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("scrape of %s (%s) failed: %s", target.instance(), target.service(), failure.toString());
                    return new Result(target, null, String.valueOf(failure.getMessage()));
                });
    }

    private void ingest(List<Result> results) {
        Map<String, List<Result>> byService = results.stream()
                .collect(Collectors.groupingBy(r -> r.target().service(), LinkedHashMap::new, Collectors.toList()));
        long at = clock.millis();
        byService.forEach((service, rs) -> {
            fleet.locate(service, rs.size() == 1 ? rs.get(0).target().baseUrl() : rs.size() + " instances");
            Map<String, ServiceSample> ok = new LinkedHashMap<>();
            rs.stream().filter(r -> r.sample() != null).forEach(r -> ok.put(r.target().instance(), r.sample()));
            if (ok.isEmpty()) {
                fleet.failed(service, at, rs.get(0).error());
                return;
            }
            var listed = rs.stream().map(r -> r.target().instance()).collect(Collectors.toSet());
            fleet.ingest(service, mergers.computeIfAbsent(service, s -> new InstanceMerger()).merge(at, ok, listed));
        });
    }
}
