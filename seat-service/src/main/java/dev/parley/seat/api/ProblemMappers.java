package dev.parley.seat.api;

import dev.parley.seat.service.Problems;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors raised by the framework itself (unknown route, wrong method, media type) as problem+json. */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response seat(dev.parley.seat.service.SeatException e) {
        return Api.problem(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = e.getResponse().getStatusInfo().getReasonPhrase();
        return Response.status(status).type(Problems.MEDIA_TYPE)
                .entity(Problems.body(status, "http-" + status, title, e.getMessage(), Map.of())).build();
    }
}
