package dev.parley.metrics.collector;

import dev.parley.metrics.config.ScrapeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Fetches one service's /q/metrics over the Vert.x HTTP client (non-blocking) and parses it.
 * {@code Accept: text/plain} selects the Prometheus text format (Quarkus otherwise answers in
 * OpenMetrics). Each request has a timeout; oversize bodies are refused before being parsed.
 */
@Singleton
public class MetricsScraper {

    private final ScrapeConfig config;
    private final HttpClient client;
    private final PrometheusTextParser parser;

    public MetricsScraper(Vertx vertx, ScrapeConfig config) {
        this.config = config;
        this.parser = new PrometheusTextParser(config.maxSamples());
        int timeoutMs = (int) config.timeout().toMillis();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(timeoutMs)
                .setMaxPoolSize(Math.max(1, config.maxConcurrency()))
                .setKeepAlive(true));
    }

    public Uni<List<Sample>> scrape(String baseUrl) {
        String url = baseUrl.endsWith("/") ? baseUrl + "q/metrics" : baseUrl + "/q/metrics";
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(url)
                .putHeader("Accept", "text/plain")
                .setTimeout(config.timeout().toMillis());
        return client.request(options)
                .flatMap(request -> request.send())
                .flatMap(response -> {
                    if (response.statusCode() != 200) {
                        return Uni.createFrom().failure(new IllegalStateException("HTTP " + response.statusCode()));
                    }
                    String length = response.getHeader("Content-Length");
                    if (length != null && Long.parseLong(length) > config.maxBodyBytes()) {
                        return Uni.createFrom().failure(new IllegalStateException("exposition larger than "
                                + config.maxBodyBytes() + " bytes"));
                    }
                    return response.body();
                })
                .map(body -> {
                    if (body.length() > config.maxBodyBytes()) {
                        throw new IllegalStateException("exposition larger than " + config.maxBodyBytes() + " bytes");
                    }
                    return parser.parse(body.toString());
                })
                .ifNoItem().after(config.timeout().plusMillis(250)).fail();
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }
}
