package dev.parley.gateway.client;

import dev.parley.contracts.chat.ChatHeaders;
import dev.parley.gateway.api.HttpEdge;
import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.service.Caller;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
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

    private final WebClient client;
    private final URI base;

    public PersistenceClient(WebClient client, GatewayConfig config) {
        this.client = client;
        this.base = URI.create(config.persistenceUrl());
    }

    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 50, jitter = 50, maxDuration = 5000,
            retryOn = {DownstreamUnavailableException.class, TimeoutException.class, java.io.IOException.class,
                    io.vertx.core.VertxException.class})
    @ExponentialBackoff(factor = 2, maxDelay = 1000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Bulkhead(value = 32, waitingTaskQueue = 64)
    public Uni<DownstreamResponse> get(Caller caller, String pathAndQuery) {
        return send(request(caller, io.vertx.core.http.HttpMethod.GET, pathAndQuery).send());
    }

    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    @Bulkhead(value = 16, waitingTaskQueue = 32)
    public Uni<DownstreamResponse> post(Caller caller, String path, byte[] json) {
        return send(request(caller, io.vertx.core.http.HttpMethod.POST, path)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(json)));
    }

    private HttpRequest<io.vertx.mutiny.core.buffer.Buffer> request(Caller caller, io.vertx.core.http.HttpMethod method, String pathAndQuery) {
        int port = base.getPort() > 0 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
        String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/$", "");
        return client.request(method, port, base.getHost(), prefix + pathAndQuery)
                .ssl("https".equals(base.getScheme()))
                .putHeader(ChatHeaders.USER, caller.userId())
                .putHeader(HttpEdge.REQUEST_ID, caller.requestId())
                .putHeader("Accept", "application/json, application/problem+json");
    }

    private static Uni<DownstreamResponse> send(Uni<HttpResponse<io.vertx.mutiny.core.buffer.Buffer>> call) {
        return call.map(r -> {
            if (r.statusCode() >= 500) {
                throw new DownstreamUnavailableException(r.statusCode(), "persistence-consumer answered " + r.statusCode());
            }
            var body = r.body();
            return new DownstreamResponse(r.statusCode(), r.getHeader("Content-Type"), body == null ? new byte[0] : body.getBytes());
        });
    }
}
