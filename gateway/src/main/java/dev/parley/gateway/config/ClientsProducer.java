package dev.parley.gateway.config;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The HTTP clients the gateway calls downstreams with; pools are bounded. */
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

    /** For the WebSocket proxy: one upstream socket per client socket. */
    @Produces
    @Singleton
    HttpClient wsClient(Vertx vertx) {
        return vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(2000)
                .setMaxWebSockets(Integer.MAX_VALUE)
                .setMaxWebSocketMessageSize(65536)
                .setMaxWebSocketFrameSize(65536));
    }

    void close(@Disposes HttpClient client) {
        client.closeAndForget();
    }
}
