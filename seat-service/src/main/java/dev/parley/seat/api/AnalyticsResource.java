package dev.parley.seat.api;

import dev.parley.contracts.chat.ChatHeaders;
import dev.parley.seat.service.AdmissionAnalytics;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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
    public Uni<Response> admissions(@HeaderParam(ChatHeaders.USER) String user, @PathParam("id") String id,
                                    @QueryParam("granularity") String granularity, @QueryParam("zone") String zone) {
        return api.read(user, u -> analytics.series(Api.id(id, "cohort"), AdmissionAnalytics.granularity(granularity), analytics.zone(zone)));
    }

    @GET
    @Path("/heatmap")
    public Uni<Response> heatmap(@HeaderParam(ChatHeaders.USER) String user, @PathParam("id") String id,
                                 @QueryParam("zone") String zone) {
        return api.read(user, u -> analytics.heatmap(Api.id(id, "cohort"), analytics.zone(zone)));
    }
}
