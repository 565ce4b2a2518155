package dev.parley.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for persistence-consumer's HTTP API, for tests of what the gateway does around it
 * (counting calls, injecting failures and latency). Paths containing "slow" answer after 1.5 s;
 * while {@link #failing} is set, paths containing "flaky" answer 500.
 */
public class FakePersistence implements QuarkusTestResourceLifecycleManager {

    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    public static final List<Map<String, String>> HEADERS = new CopyOnWriteArrayList<>();
    public static final AtomicBoolean failing = new AtomicBoolean();

    private Vertx vertx;
    private HttpServer server;

    public static int calls(String pathAndQuery) {
        AtomicInteger n = CALLS.get(pathAndQuery);
        return n == null ? 0 : n.get();
    }

    @Override
    public Map<String, String> start() {
        CALLS.clear();
        HEADERS.clear();
        failing.set(false);
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            String uri = req.uri();
            CALLS.computeIfAbsent(uri, k -> new AtomicInteger()).incrementAndGet();
            HEADERS.add(Map.of("uri", uri,
                    "user", Tokens.internalCaller("persistence-consumer", req.getHeader("Authorization")),
                    "identityHeader", String.valueOf(req.getHeader("X-Parley-User")),
                    "requestId", String.valueOf(req.getHeader("X-Request-Id")),
                    "traceparent", String.valueOf(req.getHeader("traceparent"))));
            Runnable answer = () -> {
                if (failing.get() && uri.contains("flaky")) {
                    req.response().setStatusCode(500).putHeader("Content-Type", "application/problem+json")
                            .end("{\"title\":\"Internal Server Error\",\"status\":500}");
                } else if (uri.startsWith("/conversations?member=")) {
                    req.response().putHeader("Content-Type", "application/json")
                            .end("[{\"id\":\"c-1\",\"kind\":\"group\",\"title\":\"t\",\"members\":[\"a\",\"b\"],\"createdBy\":\"a\",\"createdAt\":\"2026-01-01T00:00:00Z\"}]");
                } else if (uri.contains("missing")) {
                    req.response().setStatusCode(404).putHeader("Content-Type", "application/problem+json")
                            .end("{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no such conversation\"}");
                } else if ("POST".equals(req.method().name())) {
                    req.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(body);
                } else {
                    req.response().putHeader("Content-Type", "application/json").end("{\"uri\":\"" + uri + "\"}");
                }
            };
            if (uri.contains("slow")) {
                vertx.setTimer(1500, t -> answer.run());
            } else {
                answer.run();
            }
        }));
        int port;
        try {
            port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return Map.of("parley.gateway.persistence-url", "http://127.0.0.1:" + port);
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
