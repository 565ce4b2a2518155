package dev.parley.gateway.api;

import dev.parley.gateway.client.DownstreamResponse;
import dev.parley.gateway.client.SeatClient;
import dev.parley.gateway.service.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.regex.Pattern;

/**
 * The seat API for clients, in front of seat-service's /cohorts: the caller is the verified token
 * subject (sent as an internal token only seat-service accepts), Idempotency-Key and the query
 * string go through, and only the shapes seat-service serves are forwarded. The live streams (SSE
 * /events, WebSocket /live) are relayed by {@code relay.RelayRoutes}.
 */
@Path("/api/cohorts")
public class CohortResource {

    private static final String SEG = "[A-Za-z0-9-]{1,64}";
    private static final Pattern READS = Pattern.compile(SEG + "(/(me|seats|admissions|heatmap))?");
    private static final Pattern WRITES = Pattern.compile(SEG + "/(extend|pause|resume|close|holds)|" + SEG + "/holds/" + SEG + "/(confirm|release)");
    private static final Pattern DELETES = Pattern.compile(SEG + "/queue");
    private static final int MAX_BODY = 64 * 1024;

    private final SeatClient seats;

    public CohortResource(SeatClient seats) {
        this.seats = seats;
    }

    @POST
    public Uni<Response> create(byte[] body, RoutingContext rc) {
        return write(rc, HttpMethod.POST, "", body);
    }

    @GET
    @Path("/{path: .+}")
    public Uni<Response> read(@PathParam("path") String path, RoutingContext rc) {
        Caller caller = ApiGuard.caller(rc);
        if (!READS.matcher(path).matches()) {
            return notServed(caller);
        }
        String query = rc.request().query();
        return seats.get(caller, "/cohorts/" + path + (query == null || query.isEmpty() ? "" : "?" + query)).map(CohortResource::pass);
    }

    @POST
    @Path("/{path: .+}")
    public Uni<Response> post(@PathParam("path") String path, byte[] body, RoutingContext rc) {
        return WRITES.matcher(path).matches() ? write(rc, HttpMethod.POST, "/" + path, body) : notServed(ApiGuard.caller(rc));
    }

    @DELETE
    @Path("/{path: .+}")
    public Uni<Response> delete(@PathParam("path") String path, RoutingContext rc) {
        return DELETES.matcher(path).matches() ? write(rc, HttpMethod.DELETE, "/" + path, null) : notServed(ApiGuard.caller(rc));
    }

    private Uni<Response> write(RoutingContext rc, HttpMethod method, String path, byte[] body) {
        Caller caller = ApiGuard.caller(rc);
        if (body != null && body.length > MAX_BODY) {
            return Uni.createFrom().item(Problem.response(413, "Payload Too Large", "a JSON body of at most 64 KiB", caller.requestId()).build());
        }
        return seats.write(caller, method, "/cohorts" + path, rc.request().getHeader(SeatClient.IDEMPOTENCY_KEY), body)
                .map(CohortResource::pass);
    }

    private static Uni<Response> notServed(Caller caller) {
        return Uni.createFrom().item(Problem.response(404, "Not Found", "no such cohort resource", caller.requestId()).build());
    }

    static Response pass(DownstreamResponse r) {
        Response.ResponseBuilder b = Response.status(r.status())
                .type(r.contentType() != null ? r.contentType() : MediaType.APPLICATION_JSON)
                .entity(r.body());
        return (r.retryAfter() != null ? b.header("Retry-After", r.retryAfter()) : b).build();
    }
}
