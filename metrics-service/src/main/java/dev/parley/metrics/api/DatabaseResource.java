package dev.parley.metrics.api;

import dev.parley.metrics.repository.StatementReport;
import dev.parley.metrics.repository.StatementStatsRepository;
import dev.parley.metrics.service.FleetMonitor;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pool saturation per service (from their scraped pool metrics) and the slowest statements. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class DatabaseResource {

    private final FleetMonitor fleet;
    private final StatementStatsRepository statements;

    public DatabaseResource(FleetMonitor fleet, StatementStatsRepository statements) {
        this.fleet = fleet;
        this.statements = statements;
    }

    @GET
    @Path("/pools")
    public Map<String, List<Map<String, Object>>> pools() {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        fleet.views().forEach(v -> out.put(v.service(), v.pools().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("active", p.active());
            m.put("idle", p.idle());
            m.put("waiting", p.waiting());
            m.put("max", p.max());
            m.put("saturation", p.saturation());
            return m;
        }).toList()));
        return out;
    }

    @GET
    @Path("/statements")
    public Uni<Response> slowest(@QueryParam("limit") @DefaultValue("10") int limit) {
        if (limit < 1 || limit > 100) {
            return Uni.createFrom().item(Problem.response(Response.Status.BAD_REQUEST, "limit must be in [1, 100]"));
        }
        return statements.slowest(limit).map(r -> Response.ok(r).build());
    }

    /** For the dashboard: the same report without the HTTP wrapper. */
    public Uni<StatementReport> report(int limit) {
        return statements.slowest(limit);
    }
}
