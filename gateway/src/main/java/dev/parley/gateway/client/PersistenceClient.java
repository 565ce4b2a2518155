package dev.parley.gateway.client;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.service.Caller;
import dev.parley.platform.auth.InternalTokens;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * persistence-consumer's chat API. Every call has a timeout, a circuit breaker and a bulkhead;
 * only the idempotent reads are retried (exponential backoff with jitter) — a create is never
 * repeated behind the caller's back. 4xx answers are the caller's problem, not a downstream
 * failure: they pass through and do not trip the breaker.
 */
@ApplicationScoped
public class PersistenceClient {

    private final Downstream persistence;

    public PersistenceClient(WebClient client, GatewayConfig config, InternalTokens credentials) {
        this.persistence = new Downstream("persistence-consumer", client, config.persistenceUrl(), credentials);
    }

    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 50, jitter = 50, maxDuration = 5000,
            retryOn = {DownstreamUnavailableException.class, TimeoutException.class, java.io.IOException.class,
                    io.vertx.core.VertxException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 1000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Bulkhead(value = 32, waitingTaskQueue = 64)
    public Uni<DownstreamResponse> get(Caller caller, String pathAndQuery) {
        return persistence.send(persistence.request(caller, HttpMethod.GET, pathAndQuery).send());
    }

    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Bulkhead(value = 16, waitingTaskQueue = 32)
    public Uni<DownstreamResponse> post(Caller caller, String path, byte[] json) {
        return persistence.send(persistence.request(caller, HttpMethod.POST, path)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(json)));
    }
}
