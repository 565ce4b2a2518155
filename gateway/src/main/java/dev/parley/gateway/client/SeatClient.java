package dev.parley.gateway.client;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.service.Caller;
import dev.parley.platform.auth.InternalTokens;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * seat-service's cohort API, with the same protection as every gateway call: timeout, circuit
 * breaker, bulkhead; reads retried with backoff and jitter. Writes are not retried here — the
 * client repeats them with the same Idempotency-Key, which seat-service answers identically.
 */
@ApplicationScoped
public class SeatClient {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Downstream seats;

    public SeatClient(WebClient client, GatewayConfig config, InternalTokens credentials) {
        this.seats = new Downstream("seat-service", client, config.seatUrl(), credentials);
    }

    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 50, jitter = 50, maxDuration = 5000,
            retryOn = {DownstreamUnavailableException.class, TimeoutException.class, java.io.IOException.class,
                    io.vertx.core.VertxException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 1000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Bulkhead(value = 64, waitingTaskQueue = 128)
    public Uni<DownstreamResponse> get(Caller caller, String pathAndQuery) {
        return seats.send(seats.request(caller, HttpMethod.GET, pathAndQuery).send());
    }

    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Bulkhead(value = 64, waitingTaskQueue = 128)
    public Uni<DownstreamResponse> write(Caller caller, HttpMethod method, String path, String idempotencyKey, byte[] json) {
        HttpRequest<Buffer> request = seats.request(caller, method, path);
        if (idempotencyKey != null) {
            request.putHeader(IDEMPOTENCY_KEY, idempotencyKey);
        }
        if (json == null || json.length == 0) {
            return seats.send(request.send());
        }
        return seats.send(request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(json)));
    }

    /** Where seat-service is, for the streaming relays (SSE, WebSocket) that bypass this client. */
    public Downstream downstream() {
        return seats;
    }
}
