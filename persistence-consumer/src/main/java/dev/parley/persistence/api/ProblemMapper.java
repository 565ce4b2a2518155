package dev.parley.persistence.api;

import dev.parley.contracts.json.Json;
import dev.parley.persistence.service.Problem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as {@code application/problem+json} (RFC 9457: type, title, status, detail). */
public class ProblemMapper {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /** The body of an error response. */
    public record ProblemBody(String type, String title, int status, String detail) {
    }

    @ServerExceptionMapper
    public Response problem(Problem problem) {
        return response(problem.status(), problem.title(), problem.detail());
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return response(status, known != null ? known.getReasonPhrase() : "Error", e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("request failed", e);
        return response(500, "Internal error", "the request could not be completed; nothing was changed by the failed step");
    }

    static Response response(int status, String title, String detail) {
        String slug = title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
        ProblemBody body = new ProblemBody("urn:parley:problem:" + slug, title, status, detail);
        return Response.status(status).type(PROBLEM_JSON).entity(Json.write(body)).build();
    }
}
