package dev.parley.ws.config;

import io.quarkus.runtime.LaunchMode;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Who this pod is: its id (registry member, delivery channel) and the address clients reach it at. */
@Singleton
public class PodIdentity {

    private final String podId;
    private final String advertisedUrl;

    public PodIdentity(WsConfig config, @ConfigProperty(name = "quarkus.http.port") int port) {
        String host = System.getenv("HOSTNAME");
        // In tests several pods may share one host name: give each its own id.
        this.podId = config.podId()
                .orElse(host != null && !host.isBlank() && LaunchMode.current() != LaunchMode.TEST
                        ? host : "ws-" + UUID.randomUUID().toString().substring(0, 8));
        this.advertisedUrl = config.advertisedUrl().orElse("ws://127.0.0.1:" + port);
    }

    public String podId() {
        return podId;
    }

    public String advertisedUrl() {
        return advertisedUrl;
    }
}
