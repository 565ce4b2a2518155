package dev.parley.seat.service;

import dev.parley.seat.config.SeatConfig;
import dev.parley.seat.repository.HoldRow;
import dev.parley.seat.repository.SeatRepository;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Admission history of a cohort: applications (holds granted) and admissions (confirmed seats)
 * per day, ISO week (from Monday) or month, aligned in a configurable zone; a weekday × hour
 * heatmap; and z-score anomaly flags on admissions per bucket.
 */
@Singleton
public class AdmissionAnalytics {

    public enum Granularity { DAY, WEEK, MONTH }

    public record Bucket(String start, long startMs, int applications, int admissions, double admissionRate,
                         double z, boolean anomaly) {
    }

    public record Series(String cohortId, String zone, String granularity, double anomalyThreshold, double mean,
                         double stddev, List<Bucket> buckets) {
    }

    /** cells[isoDayOfWeek - 1][hour] = admissions. */
    public record Heatmap(String cohortId, String zone, int[][] cells, int max) {
    }

    private final SeatRepository repo;
    private final SeatService seats;
    private final SeatConfig config;

    public AdmissionAnalytics(SeatRepository repo, SeatService seats, SeatConfig config) {
        this.repo = repo;
        this.seats = seats;
        this.config = config;
    }

    public ZoneId zone(String requested) {
        String z = requested == null || requested.isBlank() ? config.analytics().zone() : requested;
        try {
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            throw SeatException.badRequest("unknown time zone " + z);
        }
    }

    public static Granularity granularity(String g) {
        try {
            return Granularity.valueOf((g == null ? "day" : g).toUpperCase());
        } catch (IllegalArgumentException e) {
            throw SeatException.badRequest("granularity must be day, week or month");
        }
    }

    /** Start of the bucket holding {@code t}: local midnight, Monday of the ISO week, first of the month. */
    public static ZonedDateTime bucketStart(Instant t, ZoneId zone, Granularity g) {
        ZonedDateTime local = t.atZone(zone);
        ZonedDateTime day = local.toLocalDate().atStartOfDay(zone);
        return switch (g) {
            case DAY -> day;
            case WEEK -> local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay(zone);
            case MONTH -> local.toLocalDate().withDayOfMonth(1).atStartOfDay(zone);
        };
    }

    private static ZonedDateTime next(ZonedDateTime start, Granularity g) {
        return switch (g) {
            case DAY -> start.toLocalDate().plusDays(1).atStartOfDay(start.getZone());
            case WEEK -> start.toLocalDate().plusWeeks(1).atStartOfDay(start.getZone());
            case MONTH -> start.toLocalDate().plusMonths(1).atStartOfDay(start.getZone());
        };
    }

    public Uni<Series> series(UUID cohort, Granularity g, ZoneId zone) {
        return seats.cohort(cohort).chain(c -> repo.allHolds(cohort)).map(holds -> compute(cohort, holds, g, zone, config.analytics().anomalyZ()));
    }

    static Series compute(UUID cohort, List<HoldRow> holds, Granularity g, ZoneId zone, double threshold) {
        TreeMap<ZonedDateTime, int[]> counts = new TreeMap<>();
        for (HoldRow h : holds) {
            counts.computeIfAbsent(bucketStart(h.createdAt(), zone, g), k -> new int[2])[0]++;
            if (h.confirmedAt() != null) {
                counts.computeIfAbsent(bucketStart(h.confirmedAt(), zone, g), k -> new int[2])[1]++;
            }
        }
        List<ZonedDateTime> starts = new ArrayList<>();
        if (!counts.isEmpty()) {
            // Every bucket between the first and the last, empty ones included: a quiet day is data.
            for (ZonedDateTime s = counts.firstKey(); !s.isAfter(counts.lastKey()); s = next(s, g)) {
                starts.add(s);
            }
        }
        double mean = 0;
        for (ZonedDateTime s : starts) {
            mean += counts.getOrDefault(s, new int[2])[1];
        }
        mean = starts.isEmpty() ? 0 : mean / starts.size();
        double var = 0;
        for (ZonedDateTime s : starts) {
            double d = counts.getOrDefault(s, new int[2])[1] - mean;
            var += d * d;
        }
        double sd = starts.isEmpty() ? 0 : Math.sqrt(var / starts.size());
        List<Bucket> out = new ArrayList<>(starts.size());
        for (ZonedDateTime s : starts) {
            int[] c = counts.getOrDefault(s, new int[2]);
            double z = sd == 0 ? 0 : (c[1] - mean) / sd;
            // Fewer than three buckets say nothing about what is normal.
            boolean anomaly = starts.size() >= 3 && Math.abs(z) >= threshold;
            out.add(new Bucket(s.toOffsetDateTime().toString(), s.toInstant().toEpochMilli(), c[0], c[1],
                    c[0] == 0 ? 0 : Math.min(1.0, (double) c[1] / c[0]), round(z), anomaly));
        }
        return new Series(cohort.toString(), zone.getId(), g.name().toLowerCase(), threshold, round(mean), round(sd), out);
    }

    public Uni<Heatmap> heatmap(UUID cohort, ZoneId zone) {
        return seats.cohort(cohort).chain(c -> repo.allHolds(cohort)).map(holds -> {
            int[][] cells = new int[7][24];
            int max = 0;
            for (HoldRow h : holds) {
                if (h.confirmedAt() != null) {
                    ZonedDateTime t = h.confirmedAt().atZone(zone);
                    int v = ++cells[t.getDayOfWeek().getValue() - 1][t.getHour()];
                    max = Math.max(max, v);
                }
            }
            return new Heatmap(cohort.toString(), zone.getId(), cells, max);
        });
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

}
