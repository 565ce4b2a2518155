package dev.parley.persistence.api;

import dev.parley.contracts.chat.Conversation;
import dev.parley.contracts.chat.HistoryPage;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import dev.parley.persistence.service.ConversationService;
import dev.parley.persistence.service.ConversationService.CreateRequest;
import dev.parley.persistence.service.HistoryService;
import dev.parley.persistence.service.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Chat REST API (internal: the gateway calls it for the user it verified, with an internal token
 * {@link CallerAuthentication} checks). Thin: parses and checks the shape of the input, the
 * services do the rest.
 */
@Path("/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    private final ConversationService conversations;
    private final HistoryService history;

    public ConversationResource(ConversationService conversations, HistoryService history) {
        this.conversations = conversations;
        this.history = history;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<Conversation>> create(@Context RoutingContext rc, String body) {
        return Uni.createFrom().item(() -> new Create(CallerAuthentication.user(rc), parse(body)))
                .chain(c -> conversations.create(c.caller(), c.request()))
                .map(created -> created.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, created.conversation())
                        : RestResponse.ok(created.conversation()));
    }

    @GET
    @Path("/{id}")
    public Uni<Conversation> get(@Context RoutingContext rc, @PathParam("id") String id) {
        return Uni.createFrom().item(() -> CallerAuthentication.user(rc)).chain(caller -> conversations.get(caller, id));
    }

    @GET
    public Uni<List<Conversation>> list(@Context RoutingContext rc,
                                        @QueryParam("member") String member,
                                        @QueryParam("limit") String limit) {
        return Uni.createFrom().item(() -> CallerAuthentication.user(rc))
                .chain(caller -> conversations.list(caller, member, intParam("limit", limit)));
    }

    @GET
    @Path("/{id}/messages")
    public Uni<HistoryPage> messages(@Context RoutingContext rc,
                                     @PathParam("id") String id,
                                     @QueryParam("afterSeq") String afterSeq,
                                     @QueryParam("beforeSeq") String beforeSeq,
                                     @QueryParam("limit") String limit) {
        return Uni.createFrom().item(() -> CallerAuthentication.user(rc))
                .chain(caller -> history.page(caller, id, longParam("afterSeq", afterSeq),
                        longParam("beforeSeq", beforeSeq), intParam("limit", limit)));
    }

    private record Create(String caller, CreateRequest request) {
    }


    private static CreateRequest parse(String body) {
        if (body == null || body.isBlank()) {
            throw Problem.badRequest("a JSON body {kind, title, members} is required");
        }
        try {
            return Json.readStrict(body, CreateRequest.class);
        } catch (JsonDecodeException e) {
            throw Problem.badRequest("malformed body: " + e.getMessage());
        }
    }

    private static Long longParam(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name + " must be an integer");
        }
    }

    private static Integer intParam(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name + " must be an integer");
        }
    }
}
