package dev.parley.gateway.api;

import dev.parley.gateway.client.DownstreamResponse;
import dev.parley.gateway.service.ChatService;
import dev.parley.gateway.service.UnreadService;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The console's chat API, in front of persistence-consumer. The user is always the verified
 * caller: "my conversations" cannot be asked for someone else.
 */
@Path("/api/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final ChatService chat;
    private final UnreadService unread;

    public ConversationResource(ChatService chat, UnreadService unread) {
        this.chat = chat;
        this.unread = unread;
    }

    @GET
    public Uni<Response> mine(RoutingContext rc) {
        var caller = ApiGuard.caller(rc);
        return chat.read(caller, "/conversations?member=" + enc(caller.userId())).map(ConversationResource::pass);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> create(byte[] body, RoutingContext rc) {
        var caller = ApiGuard.caller(rc);
        if (body == null || body.length == 0 || body.length > 64 * 1024) {
            return Uni.createFrom().item(Problem.response(400, "Bad Request", "a JSON body of at most 64 KiB is required", caller.requestId()).build());
        }
        return chat.create(caller, body).map(ConversationResource::pass);
    }

    @GET
    @Path("/unread")
    public Uni<Map<String, Long>> unread(RoutingContext rc) {
        return unread.counts(ApiGuard.caller(rc));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> one(@PathParam("id") String id, RoutingContext rc) {
        var caller = ApiGuard.caller(rc);
        if (!ID.matcher(id).matches()) {
            return Uni.createFrom().item(Problem.response(400, "Bad Request", "malformed conversation id", caller.requestId()).build());
        }
        return chat.read(caller, "/conversations/" + enc(id)).map(ConversationResource::pass);
    }

    @GET
    @Path("/{id}/messages")
    public Uni<Response> history(@PathParam("id") String id, @QueryParam("afterSeq") Long afterSeq,
                                 @QueryParam("beforeSeq") Long beforeSeq, @QueryParam("limit") Integer limit,
                                 RoutingContext rc) {
        var caller = ApiGuard.caller(rc);
        if (!ID.matcher(id).matches()) {
            return Uni.createFrom().item(Problem.response(400, "Bad Request", "malformed conversation id", caller.requestId()).build());
        }
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        if (afterSeq != null) {
            query.add("afterSeq=" + afterSeq);
        }
        if (beforeSeq != null) {
            query.add("beforeSeq=" + beforeSeq);
        }
        if (limit != null) {
            query.add("limit=" + limit);
        }
        return chat.read(caller, "/conversations/" + enc(id) + "/messages" + query).map(ConversationResource::pass);
    }

    private static Response pass(DownstreamResponse r) {
        return CohortResource.pass(r);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
