package dev.parley.system;

import dev.parley.contracts.chat.frames.ClientFrame;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.devinfra.test.ChatClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet a chaos or soak run works on: {@link ChatFleet} (two ws-service pods) on a redis-server
 * of its own, plus seat-service and the gateway in front; and the faults, one method each.
 */
final class ChaosFleet implements AutoCloseable {

    static final Path REPORTS = Path.of("target", "chaos");

    final ChatFleet chat;
    final ServiceProcess seats;
    final ServiceProcess gateway;
    private final AtomicInteger loads = new AtomicInteger();

    ChaosFleet() throws IOException {
        chat = new ChatFleet(true);
        try {
            seats = chat.startSeatService();
            gateway = chat.startGateway(seats, Map.of());
            gateway.awaitReady(ChatFleet.READY);
            awaitPipeline();
        } catch (RuntimeException e) {
            chat.close();
            throw e;
        }
    }

    /** A load of its own users and conversations (a fresh name each time) through the gateway. */
    ChatLoad load(int users, int devicesPerUser) {
        return new ChatLoad(chat, gateway, "l" + loads.incrementAndGet(), users, devicesPerUser);
    }

    /** Until every service is ready and a send through the gateway comes back sequenced (partitions assigned). */
    void awaitPipeline() {
        for (ServiceProcess s : chat.services()) {
            s.awaitReady(ChatFleet.READY);
        }
        String probe = chat.conversation("direct", "probe1", List.of("probe1", "probe2"));
        long deadline = System.nanoTime() + ChatFleet.READY.toNanos();
        for (int i = 0; System.nanoTime() < deadline; i++) {
            try (ChatClient client = ChatClient.connect(gateway.wsUrl(), chat.tokens.mint("probe1", null, Duration.ofMinutes(5)), "probe")) {
                String cmid = "probe-" + System.nanoTime();
                client.send(ClientFrame.send(cmid, probe, "warming up"));
                ServerFrame ack = client.await(f -> "ack".equals(f.type()) && cmid.equals(f.cmid()), Duration.ofSeconds(30));
                if ("sequenced".equals(ack.status())) {
                    return;
                }
            } catch (RuntimeException | AssertionError e) {
                // not there yet: the gateway has no live pod, or the pipeline is still recovering
            }
            sleep(500);
        }
        throw new IllegalStateException("the pipeline did not sequence a send through the gateway within " + ChatFleet.READY);
    }

    /** kill -9, {@code down} later started again on the same port, ready. */
    static void killAndRestart(ServiceProcess service, Duration down) {
        service.kill();
        sleep(down.toMillis());
        service.start().awaitReady(ChatFleet.READY);
    }

    /** Appends a line to a report file under target/chaos/ and prints it. */
    static void report(String file, String line) {
        try {
            Files.createDirectories(REPORTS);
            Files.writeString(REPORTS.resolve(file), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        System.out.println(line);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        chat.close();
    }
}
