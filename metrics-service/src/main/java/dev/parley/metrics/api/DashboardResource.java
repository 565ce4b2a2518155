package dev.parley.metrics.api;

import dev.parley.metrics.service.DashboardFrame;
import dev.parley.metrics.service.DashboardService;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * The live dashboard's feed: one JSON frame per tick over Server-Sent Events. Ticks that a slow
 * client cannot take are dropped (never queued), so a stalled browser costs nothing.
 */
@Path("/api")
public class DashboardResource {

    private final DashboardService dashboard;
    private final Duration period;

    public DashboardResource(DashboardService dashboard,
                             @ConfigProperty(name = "parley.dashboard.push-interval", defaultValue = "1s") Duration period) {
        if (period.compareTo(Duration.ofMillis(100)) < 0 || period.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("parley.dashboard.push-interval must be within [100ms, 1s] (1–10 Hz)");
        }
        this.dashboard = dashboard;
        this.period = period;
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<DashboardFrame> stream() {
        return Multi.createFrom().ticks().every(period)
                .onOverflow().drop()
                .map(tick -> dashboard.frame());
    }

    @GET
    @Path("/frame")
    @Produces(MediaType.APPLICATION_JSON)
    public DashboardFrame frame() {
        return dashboard.frame();
    }
}
