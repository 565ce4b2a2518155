package dev.parley.system;

import dev.parley.contracts.chat.ChatMessage;
import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady chat load through the gateway, by clients that behave as the protocol asks
 * (docs/protocol.md): several devices per user, each reconnecting after any close, sending
 * {@code sync} from its highest contiguous seq on every welcome and resending what was not acked
 * with the same cmid. Every send, ack and received frame goes to a {@link ChatHistory}. Users meet
 * in 1:1 conversations (each with the next two) and in groups of four.
 */
final class ChatLoad implements AutoCloseable {

    /** A send without an answer for this long is sent again (same cmid), as a client retries. */
    private static final long RETRY_AFTER_NANOS = Duration.ofSeconds(4).toNanos();

    final ChatHistory history = new ChatHistory();
    private final List<Device> devices = new ArrayList<>();
    private final Map<String, List<Device>> devicesOf = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
    private final AtomicLong counter = new AtomicLong();
    private final Random random = new Random(16);
    private volatile boolean sending;

    /** {@code name}: keeps this load's users and conversations apart from every other load on the same fleet. */
    ChatLoad(ChatFleet fleet, ServiceProcess gateway, String name, int users, int devicesPerUser) {
        List<String> names = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            names.add(name + "u" + u);
        }
        Map<String, List<String>> convsOf = new HashMap<>();
        for (int u = 0; u < users; u++) {
            for (int step = 1; step <= 2; step++) {
                String a = names.get(u), b = names.get((u + step) % users);
                addConversation(fleet.conversation("direct", a, List.of(a, b)), List.of(a, b), convsOf);
            }
        }
        for (int g = 0; g + 4 <= users; g += 4) {
            List<String> members = names.subList(g, g + 4);
            addConversation(fleet.conversation("group", members.get(0), members), members, convsOf);
        }
        for (String user : names) {
            String token = fleet.tokens.mint(user, null, Duration.ofHours(2));
            for (int d = 0; d < devicesPerUser; d++) {
                Device device = new Device(user, user + "-d" + d, convsOf.get(user));
                device.client = LoadClient.connect(gateway.wsUrl(), token, device.id, device::onFrame, true);
                devices.add(device);
                devicesOf.computeIfAbsent(user, k -> new ArrayList<>()).add(device);
            }
        }
        history.recipients.replaceAll((conv, members) -> members.stream()
                .flatMap(m -> devicesOf.get(m).stream().map(d -> d.id)).toList());
        timer.scheduleAtFixedRate(this::retry, 1, 1, TimeUnit.SECONDS);
    }

    private void addConversation(String conv, List<String> members, Map<String, List<String>> convsOf) {
        history.recipients.put(conv, members);
        members.forEach(m -> convsOf.computeIfAbsent(m, k -> new ArrayList<>()).add(conv));
    }

    /** Sends {@code perSecond} messages a second, from random devices into their users' conversations, until {@link #stopSending()}. */
    void startSending(int perSecond) {
        sending = true;
        long periodMicros = 1_000_000L / perSecond;
        timer.scheduleAtFixedRate(() -> {
            if (sending) {
                Device from = devices.get(random.nextInt(devices.size()));
                from.send(from.convs.get(random.nextInt(from.convs.size())));
            }
        }, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    void stopSending() {
        sending = false;
    }

    /** Stops sending and waits (bounded) until every send is acked; true if all were. */
    boolean awaitAcks(Duration timeout) {
        stopSending();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && devices.stream().anyMatch(d -> !d.unacked.isEmpty())) {
            sleep(250);
        }
        return devices.stream().allMatch(d -> d.unacked.isEmpty());
    }

    /**
     * Every device syncs every conversation from its highest contiguous seq — what a client does
     * when it comes back — and the answers are awaited (bounded); true if all came.
     */
    boolean syncAll(Duration timeout) {
        devices.forEach(Device::syncAll);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && devices.stream().anyMatch(d -> d.syncsAwaited.get() > 0)) {
            sleep(250);
        }
        return devices.stream().allMatch(d -> d.syncsAwaited.get() <= 0);
    }

    int connections() {
        return devices.size();
    }

    private void retry() {
        long now = System.nanoTime();
        for (Device d : devices) {
            d.unacked.forEach((cmid, since) -> {
                if (now - since[1] > RETRY_AFTER_NANOS) {
                    since[1] = now;
                    d.resend(cmid);
                }
            });
        }
    }

    @Override
    public void close() {
        sending = false;
        timer.shutdownNow();
        devices.forEach(d -> d.client.close());
    }

    /** One device of a user: its connection, what it has seen, what it still waits an ack for. */
    private final class Device {
        final String user;
        final String id;
        final List<String> convs;
        volatile LoadClient client;
        /** cmid → {conv index, last attempt nanos}. */
        final Map<String, long[]> unacked = new ConcurrentHashMap<>();
        final Map<String, TreeSet<Long>> seen = new ConcurrentHashMap<>();
        final AtomicInteger connection = new AtomicInteger();
        final AtomicInteger syncsAwaited = new AtomicInteger();

        Device(String user, String id, List<String> convs) {
            this.user = user;
            this.id = id;
            this.convs = convs;
            convs.forEach(c -> seen.put(c, new TreeSet<>()));
        }

        void send(String conv) {
            String cmid = id + "-" + counter.incrementAndGet();
            history.sent(cmid, conv, user, id);
            unacked.put(cmid, new long[] {convs.indexOf(conv), System.nanoTime()});
            client.send(ClientFrame.send(cmid, conv, "m " + cmid));
        }

        void resend(String cmid) {
            long[] pending = unacked.get(cmid);
            if (pending != null) {
                client.send(ClientFrame.send(cmid, convs.get((int) pending[0]), "m " + cmid));
            }
        }

        void onFrame(ServerFrame f) {
            switch (f.type()) {
                case "welcome" -> {
                    connection.incrementAndGet();
                    syncAll();
                    unacked.keySet().forEach(this::resend);
                }
                case "ack" -> {
                    history.acked(f.cmid(), f.id(), f.conv(), f.seq());
                    unacked.remove(f.cmid());
                    if (f.seq() != null) {
                        saw(f.conv(), f.seq());
                    }
                }
                case "msg" -> received(f.message(), false);
                case "sync_needed" -> syncAll();
                case "sync" -> {
                    if ("ok".equals(f.status())) {
                        f.messages().forEach(m -> received(m, true));
                    } else {
                        history.resync(id, f.conv());
                    }
                    syncsAwaited.decrementAndGet();
                }
                case "error" -> {
                    long[] pending = f.cmid() == null ? null : unacked.get(f.cmid());
                    if (pending != null) {
                        pending[1] = System.nanoTime() - RETRY_AFTER_NANOS + 500_000_000L; // retried in about half a second
                    }
                }
                default -> { }
            }
        }

        private void received(ChatMessage m, boolean bySync) {
            // its own sends are answered by their acks: not deliveries, but part of what it holds
            if (!id.equals(m.senderDevice())) {
                history.received(id, m.conversationId(), m.id(), m.clientMsgId(), m.seq(), bySync, connection.get());
            }
            saw(m.conversationId(), m.seq());
        }

        private void saw(String conv, long seq) {
            TreeSet<Long> s = seen.get(conv);
            if (s != null) {
                synchronized (s) {
                    s.add(seq);
                }
            }
        }

        /** sync from the highest seq up to which this device has everything (one answer per conversation). */
        void syncAll() {
            Map<String, Long> from = new HashMap<>();
            seen.forEach((conv, seqs) -> {
                synchronized (seqs) {
                    long contiguous = 0;
                    while (seqs.contains(contiguous + 1)) {
                        contiguous++;
                    }
                    from.put(conv, contiguous);
                }
            });
            syncsAwaited.set(from.size());
            client.send(ClientFrame.sync(from));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
