package dev.parley.metrics.api;

import dev.parley.metrics.collector.ConsumerLagCollector;
import dev.parley.metrics.collector.LagReport;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Consumer lag per group and partition (the last measurement). */
@Path("/api/lag")
@Produces(MediaType.APPLICATION_JSON)
public class LagResource {

    private final ConsumerLagCollector lag;

    public LagResource(ConsumerLagCollector lag) {
        this.lag = lag;
    }

    @GET
    public LagReport lag() {
        return lag.last();
    }
}
