package dev.parley.seat.api;

import dev.parley.seat.service.Horizon;
import dev.parley.seat.service.SeatService;
import dev.parley.seat.service.SeatService.NewCohort;
import dev.parley.seat.service.SeatService.TimingChange;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/** Cohorts, their countdown, and the seats in them. */
@Path("/cohorts")
public class CohortResource {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final SeatService seats;
    private final Api api;

    public CohortResource(SeatService seats, Api api) {
        this.seats = seats;
        this.api = api;
    }

    @POST
    public Uni<Response> create(@Context RoutingContext rc, @HeaderParam(IDEMPOTENCY_KEY) String key, String body) {
        return api.mutate(rc, key, "POST", "/cohorts", body, 201,
                u -> seats.create(u, newCohort(body)));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@Context RoutingContext rc, @PathParam("id") String id) {
        return api.read(rc, u -> seats.view(Api.id(id, "cohort")));
    }

    @GET
    @Path("/{id}/me")
    public Uni<Response> me(@Context RoutingContext rc, @PathParam("id") String id) {
        return api.read(rc, u -> seats.me(Api.id(id, "cohort"), u));
    }

    @GET
    @Path("/{id}/seats")
    public Uni<Response> grid(@Context RoutingContext rc, @PathParam("id") String id) {
        return api.read(rc, u -> seats.grid(Api.id(id, "cohort")));
    }

    @POST
    @Path("/{id}/{action: extend|pause|resume|close}")
    public Uni<Response> timing(@Context RoutingContext rc, @HeaderParam(IDEMPOTENCY_KEY) String key,
                                @PathParam("id") String id, @PathParam("action") String action, String body) {
        return api.mutate(rc, key, "POST", "/cohorts/" + id + "/" + action, body, 200,
                u -> seats.timing(Api.id(id, "cohort"), u, action, timingChange(action, body)));
    }

    @POST
    @Path("/{id}/holds")
    public Uni<Response> hold(@Context RoutingContext rc, @HeaderParam(IDEMPOTENCY_KEY) String key,
                              @PathParam("id") String id, String body) {
        return api.mutate(rc, key, "POST", "/cohorts/" + id + "/holds", body, 201, u -> {
            Bodies.HoldBody req = Bodies.read(body, Bodies.HoldBody.class, true);
            Long seat = req == null ? null : Bodies.integer("seat", req.seat(), 0, SeatService.MAX_SEATS - 1);
            return seats.hold(Api.id(id, "cohort"), u, seat == null ? null : seat.intValue())
                    .map(o -> o.queued() ? new Api.Status(202, o) : o);
        });
    }

    @POST
    @Path("/{id}/holds/{hold}/confirm")
    public Uni<Response> confirm(@Context RoutingContext rc, @HeaderParam(IDEMPOTENCY_KEY) String key,
                                 @PathParam("id") String id, @PathParam("hold") String hold, String body) {
        return api.mutate(rc, key, "POST", "/cohorts/" + id + "/holds/" + hold + "/confirm", body, 200,
                u -> seats.confirm(Api.id(id, "cohort"), Api.id(hold, "hold"), u));
    }

    @POST
    @Path("/{id}/holds/{hold}/release")
    public Uni<Response> release(@Context RoutingContext rc, @HeaderParam(IDEMPOTENCY_KEY) String key,
                                 @PathParam("id") String id, @PathParam("hold") String hold, String body) {
        return api.mutate(rc, key, "POST", "/cohorts/" + id + "/holds/" + hold + "/release", body, 200,
                u -> seats.release(Api.id(id, "cohort"), Api.id(hold, "hold"), u));
    }

    @DELETE
    @Path("/{id}/queue")
    public Uni<Response> leave(@Context RoutingContext rc, @HeaderParam(IDEMPOTENCY_KEY) String key,
                               @PathParam("id") String id) {
        return api.mutate(rc, key, "DELETE", "/cohorts/" + id + "/queue", "", 200,
                u -> seats.leaveQueue(Api.id(id, "cohort"), u).map(left -> Api.map("left", left)));
    }

    static NewCohort newCohort(String body) {
        Bodies.CohortBody o = Bodies.read(body, Bodies.CohortBody.class, false);
        Integer count = o.seats();
        if (count != null) {
            Bodies.integer("seats", count.longValue(), 1, SeatService.MAX_SEATS);
        }
        Long ttl = Bodies.integer("holdTtlMs", o.holdTtlMs(), SeatService.MIN_HOLD_TTL_MS, SeatService.MAX_HOLD_TTL_MS);
        return new NewCohort(Bodies.text("title", o.title(), SeatService.MAX_TITLE), count,
                Bodies.instant("opensAt", o.opensAt()), Bodies.instant("deadline", o.deadline()), ttl,
                Bodies.texts("seatLabels", o.seatLabels(), SeatService.MAX_SEATS, SeatService.MAX_LABEL));
    }

    /** extend takes {deadline} or {extendByMs}; pause, resume and close take no body (or {}). */
    static TimingChange timingChange(String action, String body) {
        if (!"extend".equals(action)) {
            Bodies.read(body, Bodies.NoFields.class, true);
            return null;
        }
        Bodies.ExtendBody o = Bodies.read(body, Bodies.ExtendBody.class, false);
        return new TimingChange(Bodies.instant("deadline", o.deadline()),
                Bodies.integer("extendByMs", o.extendByMs(), 1, Horizon.MAX_EXTEND_MS));
    }
}
