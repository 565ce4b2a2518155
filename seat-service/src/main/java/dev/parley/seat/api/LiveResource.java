package dev.parley.seat.api;

import dev.parley.contracts.chat.ChatHeaders;
import dev.parley.seat.config.SeatConfig;
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
    private final SeatConfig config;

    public LiveResource(LiveHub hub, SeatConfig config) {
        this.hub = hub;
        this.config = config;
    }

    @GET
    @Path("/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@Context Sse sse, @PathParam("id") String id,
                                          @HeaderParam(ChatHeaders.USER) String user,
                                          @QueryParam("user") String queryUser,
                                          @HeaderParam("Last-Event-ID") String lastEventId,
                                          @QueryParam("lastEventId") String lastEventIdParam) {
        String who = user != null ? user : (config.live().userQueryParam() ? queryUser : null);
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
