package dev.parley.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.devinfra.test.ChatClient;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * WebSocket → ws-service → Kafka → delivery-consumer → Redis → ws-service pods → clients, and
 * → persistence-consumer → PostgreSQL, with every service a separate process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagingPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private ChatFleet fleet;

    @BeforeAll
    void startFleet() throws Exception {
        fleet = new ChatFleet();
        // Ready is not yet assigned: wait until the consumer groups have their partitions, i.e. a
        // probe message comes back sequenced and is stored.
        String probe = fleet.conversation("direct", "probe1", List.of("probe1", "probe2"));
        try (ChatClient client = fleet.connect(fleet.wsA, "probe1", "probe")) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            for (int i = 0; System.nanoTime() < deadline; i++) {
                client.send(ClientFrame.send("probe-" + i, probe, "warming up"));
                String cmid = "probe-" + i;
                ServerFrame ack = client.await(f -> "ack".equals(f.type()) && cmid.equals(f.cmid()), WAIT);
                if ("sequenced".equals(ack.status())) {
                    break;
                }
            }
        }
    }

    @AfterAll
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    /** A user's device with what it saw. */
    private record Device(String user, ChatClient client) {
    }

    @Test
    @Order(1)
    void everyAckedMessageReachesEveryOtherDeviceOnceInSeqOrderAndIsStored() throws Exception {
        List<String> users = List.of("e1", "e2", "e3", "e4", "e5", "e6");
        Map<String, Device> devices = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            String u = users.get(i);
            devices.put(u, new Device(u, fleet.connect(i % 2 == 0 ? fleet.wsA : fleet.wsB, u, "dev-" + u)));
        }
        Map<String, List<String>> conversations = new HashMap<>();
        conversations.put(fleet.conversation("direct", "e1", List.of("e1", "e2")), List.of("e1", "e2"));
        conversations.put(fleet.conversation("direct", "e3", List.of("e3", "e4")), List.of("e3", "e4"));
        conversations.put(fleet.conversation("direct", "e5", List.of("e5", "e6")), List.of("e5", "e6"));
        conversations.put(fleet.conversation("group", "e1", List.of("e1", "e2", "e3", "e4")), List.of("e1", "e2", "e3", "e4"));
        conversations.put(fleet.conversation("group", "e6", users), users);
        int perUserPerConversation = 10;

        ExecutorService senders = Executors.newFixedThreadPool(users.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (String u : users) {
                done.add(senders.submit(() -> {
                    for (int n = 0; n < perUserPerConversation; n++) {
                        for (var c : conversations.entrySet()) {
                            if (c.getValue().contains(u)) {
                                // a cmid is unique per sender (it is the sender's retry key)
                                devices.get(u).client().send(ClientFrame.send(u + "-" + n + "-" + c.getKey(), c.getKey(), u + " says " + n));
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            senders.shutdown();
        }

        // acks: one per send, all sequenced (the pipeline is up)
        Map<String, ServerFrame> acksById = new HashMap<>();
        int expectedTotal = 0;
        for (String u : users) {
            int sends = (int) conversations.values().stream().filter(m -> m.contains(u)).count() * perUserPerConversation;
            expectedTotal += sends;
            devices.get(u).client().awaitCount(f -> "ack".equals(f.type()), sends, WAIT)
                    .forEach(a -> acksById.put(a.id(), a));
        }
        assertEquals(expectedTotal, acksById.size(), "one distinct message id per send");

        // every acked message is stored; an ack's seq (an "accepted" ack has none yet) is the stored
        // one; seqs are dense per conversation
        Map<String, Long> stored = awaitStoredIds(acksById.keySet());
        acksById.values().stream().filter(a -> a.seq() != null)
                .forEach(a -> assertEquals(stored.get(a.id()), a.seq(), "ack seq of " + a.id()));
        for (String conv : conversations.keySet()) {
            List<Long> seqs = acksById.values().stream().filter(a -> a.conv().equals(conv))
                    .map(a -> stored.get(a.id())).sorted().toList();
            assertEquals(LongStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs, "dense seqs in " + conv);
        }

        // every other member's device receives each message exactly once, in seq order
        for (var c : conversations.entrySet()) {
            Set<String> ids = acksById.values().stream().filter(a -> a.conv().equals(c.getKey())).map(ServerFrame::id).collect(Collectors.toSet());
            for (String member : c.getValue()) {
                ChatClient client = devices.get(member).client();
                Set<String> expected = acksById.values().stream()
                        .filter(a -> a.conv().equals(c.getKey()) && !a.cmid().startsWith(member + "-"))
                        .map(ServerFrame::id).collect(Collectors.toSet());
                List<ChatMessage> received = client.awaitCount(f -> "msg".equals(f.type()) && f.conv().equals(c.getKey()),
                        expected.size(), WAIT).stream().map(ServerFrame::message).toList();
                Thread.sleep(200); // nothing more may arrive
                received = client.frames("msg").stream().map(ServerFrame::message)
                        .filter(m -> m.conversationId().equals(c.getKey())).toList();
                assertEquals(expected.size(), received.size(), member + " in " + c.getKey() + ": exactly once");
                assertEquals(expected, received.stream().map(ChatMessage::id).collect(Collectors.toSet()));
                List<Long> order = received.stream().map(ChatMessage::seq).toList();
                assertEquals(order.stream().sorted().toList(), order, member + " receives in seq order");
                assertTrue(ids.containsAll(expected));
            }
        }

        devices.values().forEach(d -> d.client().close());
    }

    @Test
    @Order(2)
    void aReconnectingClientGetsTheWholeGapBySync() throws Exception {
        String conv = fleet.conversation("direct", "r1", List.of("r1", "r2"));
        ChatClient r1 = fleet.connect(fleet.wsA, "r1", "r1-phone");
        ChatClient r2 = fleet.connect(fleet.wsB, "r2", "r2-phone");
        r1.send(ClientFrame.send("before", conv, "before the gap"));
        long lastSeen = r2.await(f -> "msg".equals(f.type()), WAIT).seq();
        r2.close();

        for (int i = 0; i < 7; i++) {
            r1.send(ClientFrame.send("gap-" + i, conv, "while you were away " + i));
        }
        r1.awaitCount(f -> "ack".equals(f.type()) && "sequenced".equals(f.status()), 8, WAIT);

        try (ChatClient back = fleet.connect(fleet.wsA, "r2", "r2-phone")) {
            back.send(ClientFrame.sync(Map.of(conv, lastSeen)));
            ServerFrame sync = back.await(f -> "sync".equals(f.type()), WAIT);
            assertEquals("ok", sync.status());
            assertEquals(LongStream.rangeClosed(lastSeen + 1, lastSeen + 7).boxed().toList(),
                    sync.messages().stream().map(ChatMessage::seq).toList());
            assertEquals("while you were away 0", sync.messages().get(0).body());
        }
        r1.close();
    }

    @Test
    @Order(3)
    void killingTheConsumersMidStreamLosesAndDuplicatesNothing() throws Exception {
        List<String> members = List.of("k1", "k2", "k3");
        String conv = fleet.conversation("group", "k1", members);
        ChatClient k1 = fleet.connect(fleet.wsA, "k1", "k1-d");
        ChatClient k2 = fleet.connect(fleet.wsB, "k2", "k2-d");
        ChatClient k3 = fleet.connect(fleet.wsA, "k3", "k3-d");
        int perSender = 60;
        ExecutorService senders = Executors.newFixedThreadPool(2);
        List<Future<?>> sending = new ArrayList<>();
        for (var sender : List.of(Map.entry("k1", k1), Map.entry("k2", k2))) {
            sending.add(senders.submit(() -> {
                for (int i = 0; i < perSender; i++) {
                    sender.getValue().send(ClientFrame.send(sender.getKey() + "-" + i, conv, sender.getKey() + " " + i));
                    sleep(50);
                }
            }));
        }
        sleep(700);
        fleet.delivery.kill();
        sleep(1500);
        fleet.delivery.start().awaitReady(ChatFleet.READY);
        fleet.persistence.kill();
        sleep(1500);
        fleet.persistence.start().awaitReady(ChatFleet.READY);
        for (Future<?> f : sending) {
            f.get();
        }
        senders.shutdown();

        // every send was acknowledged (sequenced, or accepted while delivery was down)
        Map<String, ServerFrame> acks = new ConcurrentHashMap<>();
        k1.awaitCount(f -> "ack".equals(f.type()), perSender, WAIT).forEach(a -> acks.put(a.id(), a));
        k2.awaitCount(f -> "ack".equals(f.type()), perSender, WAIT).forEach(a -> acks.put(a.id(), a));
        assertEquals(2 * perSender, acks.size());

        // nothing acked is missing from PostgreSQL, nothing is there twice, seqs are dense
        Map<String, Long> stored = awaitStoredIds(conv, acks.keySet());
        assertEquals(LongStream.rangeClosed(1, acks.size()).boxed().collect(Collectors.toSet()), new HashSet<>(stored.values()));

        // k3 (received live, then sync from its highest contiguous seq) ends up with every message, once
        Map<String, Long> seen = new HashMap<>();
        k3.frames("msg").forEach(f -> seen.put(f.message().id(), f.message().seq()));
        long contiguous = 0;
        Set<Long> seqs = new HashSet<>(seen.values());
        while (seqs.contains(contiguous + 1)) {
            contiguous++;
        }
        k3.send(ClientFrame.sync(Map.of(conv, contiguous)));
        ServerFrame sync = k3.await(f -> "sync".equals(f.type()), WAIT);
        assertEquals("ok", sync.status(), "the hot window holds the gap");
        sync.messages().forEach(m -> seen.put(m.id(), m.seq()));
        assertEquals(stored, seen, "k3 has every stored message with its seq");
        k1.close();
        k2.close();
        k3.close();
    }

    private Map<String, Long> awaitStoredIds(Set<String> ids) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Long> found = Map.of();
        while (System.nanoTime() < deadline) {
            found = storedSeqs(ids);
            if (found.size() == ids.size()) {
                break;
            }
            sleep(250);
        }
        assertEquals(ids, found.keySet(), "every acked message stored");
        return found;
    }

    private Map<String, Long> awaitStoredIds(String conv, Set<String> ids) throws Exception {
        Map<String, Long> found = awaitStoredIds(ids);
        try (Connection c = fleet.db(); var st = c.prepareStatement(
                "SELECT count(*), count(DISTINCT id), count(DISTINCT seq) FROM messages WHERE conversation_id = ?")) {
            st.setString(1, conv);
            var rs = st.executeQuery();
            rs.next();
            assertEquals(ids.size(), rs.getLong(1), "no extra rows");
            assertEquals(ids.size(), rs.getLong(2));
            assertEquals(ids.size(), rs.getLong(3));
        }
        return found;
    }

    private Map<String, Long> storedSeqs(Set<String> ids) throws Exception {
        Map<String, Long> found = new HashMap<>();
        try (Connection c = fleet.db(); var st = c.prepareStatement("SELECT id::text, seq FROM messages WHERE id::text = ANY(?)")) {
            st.setArray(1, c.createArrayOf("text", ids.toArray()));
            var rs = st.executeQuery();
            while (rs.next()) {
                found.put(rs.getString(1), rs.getLong(2));
            }
        }
        return found;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
