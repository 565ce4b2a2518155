package dev.parley.gateway.config;

import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The HTTP client the gateway calls downstreams with; its pool and wait queue are bounded. */
public class ClientsProducer {

    @Produces
    @Singleton
    WebClient webClient(Vertx vertx) {
        return WebClient.create(vertx, new WebClientOptions()
                .setMaxPoolSize(64)
                .setMaxWaitQueueSize(256)
                .setConnectTimeout(1000)
                .setKeepAlive(true)
                .setUserAgent("parley-gateway"));
    }

    void close(@Disposes WebClient client) {
        client.close();
    }
}
