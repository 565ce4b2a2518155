package dev.parley.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for seat-service's event stream: every request gets a 200 {@code text/event-stream}
 * with one event, then nothing more for as long as the client stays — the quiet stream a cohort
 * without news gives.
 */
public class FakeEventStream implements QuarkusTestResourceLifecycleManager {

    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response().setChunked(true)
                .putHeader("Content-Type", "text/event-stream").write("event: snapshot\ndata: {}\n\n"));
        try {
            int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
            return Map.of("parley.gateway.seat-url", "http://127.0.0.1:" + port);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
