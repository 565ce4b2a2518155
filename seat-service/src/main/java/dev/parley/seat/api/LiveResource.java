package dev.parley.seat.api;

import io.vertx.ext.web.RoutingContext;
import dev.parley.seat.ws.LiveHub;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/** Server-Sent Events: the same frames as the WebSocket, resumable with {@code Last-Event-ID}. */
@Path("/cohorts")
public class LiveResource {

    private final LiveHub hub;

    public LiveResource(LiveHub hub) {
        this.hub = hub;
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@Context Sse sse, @PathParam("id") String id,
                                          @Context RoutingContext rc,
                                          @HeaderParam("Last-Event-ID") String lastEventId,
                                          @QueryParam("lastEventId") String lastEventIdParam) {
        String who = CallerAuthentication.user(rc);
        String last = lastEventId != null ? lastEventId : lastEventIdParam;
        return hub.stream(Api.id(id, "cohort"), who, last).map(f -> {
            OutboundSseEvent.Builder b = sse.newEventBuilder().name(f.event()).data(f.data()).mediaType(MediaType.APPLICATION_JSON_TYPE);
            if (f.id() != null) {
                b.id(f.id());
            }
            return b.build();
        });
    }
}
