package dev.parley.system;

import dev.parley.devinfra.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server process of a fleet's own, on a free loopback port and keeping nothing on disk
 * ({@code --save "" --appendonly no}), like the Redis these machines run: {@link #killAndRestart()}
 * is a real crash of Redis that comes back empty. The shared Redis on 6379 is never restarted.
 */
final class RedisServer implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(20);

    private final int port;
    private final Path log;
    private volatile Process process;

    private RedisServer(int port, Path log) {
        this.port = port;
        this.log = log;
    }

    static RedisServer start(Path logDir) {
        RedisServer redis = new RedisServer(KafkaBroker.freePort(), logDir.resolve("redis-server.log"));
        redis.launch();
        return redis;
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    private void launch() {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--maxclients", "2000"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it installed?)", e);
        }
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.getOutputStream().write("PING\r\n".getBytes());
                if (s.getInputStream().read() == '+') {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(100);
        }
        throw new IllegalStateException("redis-server not ready on " + port + " after " + READY + "; see " + log);
    }

    /** SIGKILL, then a new redis-server on the same port: every key is gone, every client connection broken. */
    void killAndRestart() {
        kill();
        launch();
    }

    void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
