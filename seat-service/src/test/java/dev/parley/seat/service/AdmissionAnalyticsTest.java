package dev.parley.seat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.seat.repository.HoldRow;
import dev.parley.seat.service.AdmissionAnalytics.Granularity;
import dev.parley.seat.service.AdmissionAnalytics.Series;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Bucket alignment (day, ISO week from Monday, month) in a zone, across DST, and z-score flags. */
class AdmissionAnalyticsTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void bucketsStartAtLocalMidnightMondayAndFirstOfMonth() {
        // Sunday 29 March 2026, 23:30 UTC: already Monday 01:30 in Berlin (first day of CEST).
        Instant t = Instant.parse("2026-03-29T23:30:00Z");
        assertEquals("2026-03-29T00:00Z", AdmissionAnalytics.bucketStart(t, ZoneOffset.UTC, Granularity.DAY).toOffsetDateTime().toString());
        assertEquals("2026-03-30T00:00+02:00", AdmissionAnalytics.bucketStart(t, BERLIN, Granularity.DAY).toOffsetDateTime().toString());
        assertEquals("2026-03-23T00:00Z", AdmissionAnalytics.bucketStart(t, ZoneOffset.UTC, Granularity.WEEK).toOffsetDateTime().toString());
        assertEquals("2026-03-30T00:00+02:00", AdmissionAnalytics.bucketStart(t, BERLIN, Granularity.WEEK).toOffsetDateTime().toString());
        assertEquals("2026-03-01T00:00+01:00", AdmissionAnalytics.bucketStart(t, BERLIN, Granularity.MONTH).toOffsetDateTime().toString());
        // 31 March 23:30 UTC is 1 April in Berlin: the next month.
        assertEquals("2026-04-01T00:00+02:00", AdmissionAnalytics.bucketStart(Instant.parse("2026-03-31T23:30:00Z"), BERLIN, Granularity.MONTH)
                .toOffsetDateTime().toString());
    }

    @Test
    void quietDaysAreBucketsAndASpikeIsFlagged() {
        List<HoldRow> holds = new ArrayList<>();
        Instant day0 = Instant.parse("2026-05-04T10:00:00Z");
        for (int d = 0; d < 10; d++) {
            int n = d == 7 ? 30 : (d == 3 ? 0 : 2);
            for (int i = 0; i < n; i++) {
                Instant t = day0.plusSeconds(d * 86_400L + i);
                holds.add(new HoldRow(UUID.randomUUID(), UUID.randomUUID(), "u" + d + "-" + i, i, "confirmed", t, t.plusSeconds(60), t.plusSeconds(5)));
            }
            holds.add(new HoldRow(UUID.randomUUID(), UUID.randomUUID(), "x" + d, 0, "expired", day0.plusSeconds(d * 86_400L), day0, null));
        }
        Series s = AdmissionAnalytics.compute(UUID.randomUUID(), holds, Granularity.DAY, ZoneOffset.UTC, 2.0);
        assertEquals(10, s.buckets().size(), "every day from first to last, the empty one too");
        assertEquals(0, s.buckets().get(3).admissions());
        assertTrue(s.buckets().get(7).anomaly(), "the spike is flagged");
        assertTrue(s.buckets().get(7).z() > 2.0);
        assertEquals(1, s.buckets().stream().filter(AdmissionAnalytics.Bucket::anomaly).count());
        assertEquals(2.0 / 3.0, s.buckets().get(0).admissionRate(), 1e-9);
        Series weeks = AdmissionAnalytics.compute(UUID.randomUUID(), holds, Granularity.WEEK, ZoneOffset.UTC, 2.0);
        assertEquals(2, weeks.buckets().size());
        assertEquals("2026-05-04T00:00Z", weeks.buckets().get(0).start());
        assertFalse(weeks.buckets().get(0).anomaly(), "two buckets say nothing about what is normal");
    }
}
