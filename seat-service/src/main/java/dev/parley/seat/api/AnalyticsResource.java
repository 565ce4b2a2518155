package dev.parley.seat.api;

import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import dev.parley.seat.service.AdmissionAnalytics;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** Admission history: aggregates by day / ISO week / month, heatmap, anomaly flags. */
@Path("/cohorts/{id}")
public class AnalyticsResource {

    private final AdmissionAnalytics analytics;
    private final Api api;

    public AnalyticsResource(AdmissionAnalytics analytics, Api api) {
        this.analytics = analytics;
        this.api = api;
    }

    @GET
    @Path("/admissions")
    public Uni<Response> admissions(@Context RoutingContext rc, @PathParam("id") String id,
                                    @QueryParam("granularity") String granularity, @QueryParam("zone") String zone) {
        return api.read(rc, u -> analytics.series(Api.id(id, "cohort"), AdmissionAnalytics.granularity(granularity), analytics.zone(zone)));
    }

    @GET
    @Path("/heatmap")
    public Uni<Response> heatmap(@Context RoutingContext rc, @PathParam("id") String id,
                                 @QueryParam("zone") String zone) {
        return api.read(rc, u -> analytics.heatmap(Api.id(id, "cohort"), analytics.zone(zone)));
    }
}
