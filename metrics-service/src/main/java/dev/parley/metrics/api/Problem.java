package dev.parley.metrics.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** RFC 7807-style error body. */
public record Problem(String title, int status, String detail) {

    public static Response response(Response.Status status, String detail) {
        return Response.status(status).type("application/problem+json")
                .entity(new Problem(status.getReasonPhrase(), status.getStatusCode(), detail)).build();
    }

    static final String JSON = MediaType.APPLICATION_JSON;
}
