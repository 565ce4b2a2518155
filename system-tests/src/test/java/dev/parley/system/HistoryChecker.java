package dev.parley.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Classifies a {@link ChatHistory} in the manner of Jepsen's queue checker: every acknowledged
 * message, for every device that should have it (every device of every member but the sending
 * device) and in PostgreSQL, is exactly one of delivered (live), recovered (only by a sync answer)
 * or lost; besides, duplicates (the same message twice at a device after the client's dedupe by
 * id — i.e. one send stored or shown under two ids — and raw: the same id framed twice), order
 * (a live frame of a new id with a lower seq than an earlier one on the same connection), and seq
 * holes in PostgreSQL (a seq below a conversation's highest that no row has).
 */
final class HistoryChecker {

    /** A stored row. */
    record Row(String id, String conv, long seq, String sender, String cmid) {
    }

    /** The figures of one run. {@code recoverySeconds} and {@code maxLatencyMs} concern messages sent around the fault. */
    record Verdict(int acked, int unacked, long deliveries, long delivered, long recovered, long lostAtDevices, int lostInDb,
                   int dupInDb, long dupAfterDedupe, long rawDup, long reorder, int seqHoles, int seqMismatch, int resyncs,
                   double recoverySeconds, long maxLatencyMs, long p99LatencyMs, List<String> lostExamples) {

        long lost() {
            return lostAtDevices + lostInDb;
        }

        /** The guarantee: nothing acknowledged lost, nothing stored or shown twice, order kept. Holes and mismatches are reported. */
        boolean holds() {
            return lost() == 0 && dupInDb == 0 && dupAfterDedupe == 0 && reorder == 0;
        }

        String line(String fault) {
            return String.format("%-22s lost=%d dup=%d reorder=%d | acked=%d unacked=%d deliveries=%d delivered=%d recovered-by-sync=%d "
                            + "lost-devices=%d lost-db=%d dup-db=%d dup-raw=%d seq-holes=%d seq-mismatch=%d resyncs=%d "
                            + "recovery=%.1fs max-send→delivered=%dms p99=%dms",
                    fault, lost(), dupInDb + dupAfterDedupe, reorder, acked, unacked, deliveries, delivered, recovered,
                    lostAtDevices, lostInDb, dupInDb, rawDup, seqHoles, seqMismatch, resyncs, recoverySeconds, maxLatencyMs, p99LatencyMs)
                    + (lostExamples.isEmpty() ? "" : "\n    lost, first " + lostExamples.size() + ": " + String.join("\n    ", lostExamples));
        }
    }

    private HistoryChecker() {
    }

    /** The rows of the history's conversations. */
    static List<Row> rows(Connection db, Set<String> conversations) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (var st = db.prepareStatement(
                "SELECT id::text, conversation_id, seq, sender_id, client_msg_id FROM messages WHERE conversation_id = ANY(?)")) {
            st.setArray(1, db.createArrayOf("text", conversations.toArray()));
            var rs = st.executeQuery();
            while (rs.next()) {
                rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5)));
            }
        }
        return rows;
    }

    /**
     * {@code faultNanos}: when the fault was injected; a message counts as slow (the fault not yet
     * recovered from) when its send→first delivery took more than {@code slowMs}.
     */
    static Verdict check(ChatHistory h, List<Row> rows, long faultNanos, long slowMs) {
        Map<String, Row> byId = new HashMap<>();
        Map<String, Integer> sends = new HashMap<>();
        Map<String, TreeSet<Long>> seqsByConv = new HashMap<>();
        for (Row r : rows) {
            byId.put(r.id(), r);
            sends.merge(r.conv() + "|" + r.sender() + "|" + r.cmid(), 1, Integer::sum);
            seqsByConv.computeIfAbsent(r.conv(), c -> new TreeSet<>()).add(r.seq());
        }
        int dupInDb = sends.values().stream().mapToInt(n -> n - 1).sum();
        int seqHoles = 0;
        for (TreeSet<Long> seqs : seqsByConv.values()) {
            seqHoles += (int) (seqs.last() - seqs.size());
        }

        // receipts per device and id, and order per connection
        Map<String, List<ChatHistory.Receipt>> byDeviceAndId = new HashMap<>();
        Map<String, Set<String>> idsByDeviceAndCmid = new HashMap<>();
        Map<String, Long> lastLiveSeq = new HashMap<>();
        Map<String, Long> firstDelivery = new HashMap<>();
        long reorder = 0;
        long rawDup = 0;
        int seqMismatch = 0;
        for (ChatHistory.Receipt r : h.receipts) {
            List<ChatHistory.Receipt> same = byDeviceAndId.computeIfAbsent(r.device() + "|" + r.id(), k -> new ArrayList<>());
            boolean again = !same.isEmpty();
            if (again) {
                rawDup++;
            }
            same.add(r);
            idsByDeviceAndCmid.computeIfAbsent(r.device() + "|" + r.conv() + "|" + r.cmid(), k -> new HashSet<>()).add(r.id());
            firstDelivery.merge(r.id(), r.nanos(), Math::min);
            Row stored = byId.get(r.id());
            if (stored != null && stored.seq() != r.seq()) {
                seqMismatch++;
            }
            // a frame of an id the device already has is a raw duplicate (a consumer replaying its
            // uncommitted polls re-publishes them with their seqs); the client drops it by id, so it
            // says nothing about order
            if (!r.bySync() && !again) {
                String stream = r.device() + "|" + r.conv() + "|" + r.connection();
                Long previous = lastLiveSeq.get(stream);
                if (previous != null && r.seq() < previous) {
                    reorder++;
                }
                lastLiveSeq.merge(stream, r.seq(), Math::max);
            }
        }
        long dupAfterDedupe = idsByDeviceAndCmid.values().stream().mapToLong(ids -> ids.size() - 1).sum();

        long deliveries = 0, delivered = 0, recovered = 0, lostAtDevices = 0;
        int lostInDb = 0;
        List<String> examples = new ArrayList<>();
        for (ChatHistory.Ack ack : h.acks.values()) {
            Row stored = byId.get(ack.id());
            ChatHistory.Sent sent = h.sent.get(ack.cmid());
            if (stored == null) {
                lostInDb++;
                if (examples.size() < 5) {
                    examples.add(describe("not in PostgreSQL", ack, sent, faultNanos));
                }
            } else if (ack.seq() != null && ack.seq() != stored.seq()) {
                seqMismatch++;
            }
            for (String device : h.recipients.getOrDefault(ack.conv(), List.of())) {
                if (sent != null && device.equals(sent.device())) {
                    continue;
                }
                deliveries++;
                List<ChatHistory.Receipt> got = byDeviceAndId.getOrDefault(device + "|" + ack.id(), List.of());
                if (got.isEmpty()) {
                    lostAtDevices++;
                    if (examples.size() < 10 && stored != null) {
                        examples.add(describe("stored as seq " + stored.seq() + ", never at " + device, ack, sent, faultNanos));
                    }
                } else if (got.stream().anyMatch(r -> !r.bySync())) {
                    delivered++;
                } else {
                    recovered++;
                }
            }
        }

        // latency of each message: first send → first delivery anywhere
        List<long[]> latencies = new ArrayList<>(); // {sentNanos, latencyMs}
        for (ChatHistory.Ack ack : h.acks.values()) {
            ChatHistory.Sent sent = h.sent.get(ack.cmid());
            Long first = firstDelivery.get(ack.id());
            if (sent != null && first != null) {
                latencies.add(new long[] {sent.nanos(), Math.max(0, (first - sent.nanos()) / 1_000_000)});
            }
        }
        long p99 = percentile(latencies.stream().mapToLong(l -> l[1]).sorted().toArray(), 0.99);
        long recoveredAt = faultNanos;
        long maxLatency = 0;
        for (long[] l : latencies) {
            if (l[0] + 2_000_000_000L >= faultNanos) { // sent at most 2 s before the fault, or after
                long deliveredAt = l[0] + l[1] * 1_000_000;
                if (l[1] > slowMs) {
                    recoveredAt = Math.max(recoveredAt, deliveredAt);
                }
            }
        }
        for (long[] l : latencies) {
            if (l[0] + 2_000_000_000L >= faultNanos && l[0] <= recoveredAt) {
                maxLatency = Math.max(maxLatency, l[1]);
            }
        }
        int unacked = (int) h.sent.keySet().stream().filter(c -> !h.acks.containsKey(c)).count();
        return new Verdict(h.acks.size(), unacked, deliveries, delivered, recovered, lostAtDevices, lostInDb, dupInDb,
                dupAfterDedupe, rawDup, reorder, seqHoles, seqMismatch, h.resyncs.size(),
                (recoveredAt - faultNanos) / 1e9, maxLatency, p99, examples);
    }

    private static String describe(String what, ChatHistory.Ack ack, ChatHistory.Sent sent, long faultNanos) {
        return String.format("%s: %s (cmid %s, conv %s, ack %s, sent %+d ms and acked %+d ms from the fault)", what, ack.id(), ack.cmid(),
                ack.conv(), ack.seq() == null ? "accepted" : "sequenced seq " + ack.seq(),
                sent == null ? 0 : (sent.nanos() - faultNanos) / 1_000_000, (ack.nanos() - faultNanos) / 1_000_000);
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
