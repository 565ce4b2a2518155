package dev.parley.metrics.collector;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loopback HTTP server exposing hand-set Prometheus text at /{service}/q/metrics, so collection
 * tests control exactly what a "service" reports.
 */
public final class FakeFleet implements AutoCloseable {

    /** Counters of one fake service: requests by status and how many of them were fast (≤ 0.3 s). */
    public static final class Counters {
        public final AtomicLong ok = new AtomicLong();
        public final AtomicLong fastOk = new AtomicLong();
        public final AtomicLong serverErrors = new AtomicLong();
        public volatile double cpu = 0.1;
        public volatile int poolActive = 2;
        public volatile int poolIdle = 18;
        public volatile int poolWaiting = 0;

        String exposition() {
            long ok = this.ok.get();
            long fast = fastOk.get();
            long err = serverErrors.get();
            return """
                    # TYPE http_server_requests_seconds histogram
                    http_server_requests_seconds_bucket{method="GET",outcome="SUCCESS",status="200",uri="/x",le="0.005"} 0.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SUCCESS",status="200",uri="/x",le="0.3"} %d.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SUCCESS",status="200",uri="/x",le="1.0"} %d.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SUCCESS",status="200",uri="/x",le="+Inf"} %d.0
                    http_server_requests_seconds_count{method="GET",outcome="SUCCESS",status="200",uri="/x"} %d.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SERVER_ERROR",status="500",uri="/x",le="0.005"} %d.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SERVER_ERROR",status="500",uri="/x",le="0.3"} %d.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SERVER_ERROR",status="500",uri="/x",le="1.0"} %d.0
                    http_server_requests_seconds_bucket{method="GET",outcome="SERVER_ERROR",status="500",uri="/x",le="+Inf"} %d.0
                    http_server_requests_seconds_count{method="GET",outcome="SERVER_ERROR",status="500",uri="/x"} %d.0
                    process_cpu_usage %s
                    jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 1.0E8
                    jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 1.0E9
                    sql_pool_active{pool_name="default",pool_type="sql"} %d
                    sql_pool_idle{pool_name="default",pool_type="sql"} %d
                    sql_pool_queue_size{pool_name="default",pool_type="sql"} %d
                    """.formatted(fast, ok, ok, ok, err, err, err, err, err, cpu, poolActive, poolIdle, poolWaiting);
        }
    }

    private final HttpServer server;
    private final Map<String, Counters> services = new ConcurrentHashMap<>();

    public FakeFleet() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String service = path.startsWith("/") ? path.substring(1, Math.max(1, path.indexOf('/', 1))) : "";
            Counters c = services.get(service);
            byte[] body = c == null ? new byte[0] : c.exposition().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(c == null ? 404 : 200, c == null ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public Counters service(String name) {
        return services.computeIfAbsent(name, n -> new Counters());
    }

    public String baseUrl(String service) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + service;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
