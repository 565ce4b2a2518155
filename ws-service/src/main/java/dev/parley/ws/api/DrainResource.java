package dev.parley.ws.api;

import dev.parley.ws.service.PodLifecycle;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * Called by the Kubernetes preStop hook (an httpGet, hence GET): leave the registry, tell clients
 * to reconnect elsewhere, close. Not exposed outside the cluster (the gateway does not route it).
 */
@Path("/internal/drain")
public class DrainResource {

    private final PodLifecycle lifecycle;

    public DrainResource(PodLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> drain() {
        return lifecycle.drain().map(closed -> Map.of("draining", true, "closed", closed));
    }
}
