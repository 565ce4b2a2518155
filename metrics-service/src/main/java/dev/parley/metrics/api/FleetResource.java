package dev.parley.metrics.api;

import dev.parley.metrics.collector.TraceStore;
import dev.parley.metrics.service.ChartPoint;
import dev.parley.metrics.service.FleetMonitor;
import dev.parley.metrics.service.ServiceView;
import dev.parley.metrics.service.SloService;
import dev.parley.metrics.slo.AlertState;
import dev.parley.metrics.slo.SloSnapshot;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** The fleet's RED figures, SLOs, alerts and latest trace as JSON (read-only; faults: {@link FaultResource}). */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class FleetResource {

    private final FleetMonitor fleet;
    private final SloService slos;
    private final TraceStore traces;

    public FleetResource(FleetMonitor fleet, SloService slos, TraceStore traces) {
        this.traces = traces;
        this.fleet = fleet;
        this.slos = slos;
    }

    @GET
    @Path("/services")
    public List<ServiceView> services() {
        return fleet.views();
    }

    @GET
    @Path("/services/{service}")
    public Response service(@PathParam("service") String service) {
        return fleet.find(service).map(v -> Response.ok(v).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "unknown service " + service));
    }

    @GET
    @Path("/services/{service}/chart")
    public Response chart(@PathParam("service") String service) {
        if (!fleet.knows(service)) {
            return Problem.response(Response.Status.NOT_FOUND, "unknown service " + service);
        }
        List<ChartPoint> points = fleet.chart(service);
        return Response.ok(points).build();
    }

    @GET
    @Path("/slo")
    public List<SloSnapshot> slo() {
        return slos.latest();
    }

    @GET
    @Path("/alerts")
    public List<SloSnapshot> alerts() {
        return slos.latest().stream()
                .filter(s -> s.state() == AlertState.P1 || s.state() == AlertState.P2)
                .toList();
    }

    /** The waterfall of a recent trace received on POST /v1/traces. */
    @GET
    @Path("/traces/latest")
    public Response latestTrace() {
        TraceStore.Waterfall w = traces.latest();
        return w == null ? Problem.response(Response.Status.NOT_FOUND, "no trace received yet") : Response.ok(w).build();
    }
}
