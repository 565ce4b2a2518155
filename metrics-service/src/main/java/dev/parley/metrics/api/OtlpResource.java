package dev.parley.metrics.api;

import dev.parley.metrics.collector.OtlpTraceDecoder;
import dev.parley.metrics.collector.TraceStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * OTLP/HTTP trace receiver (protobuf encoding): services export with
 * {@code quarkus.otel.exporter.otlp.traces.protocol=http/protobuf} and the endpoint
 * {@code http://<metrics-service>:8085}. Spans feed the dashboard's trace waterfall only.
 */
@Path("/v1/traces")
public class OtlpResource {

    static final String PROTOBUF = "application/x-protobuf";
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final TraceStore traces;

    public OtlpResource(TraceStore traces) {
        this.traces = traces;
    }

    @POST
    @Consumes(PROTOBUF)
    public Response receive(byte[] body) {
        if (body == null || body.length > MAX_BODY) {
            return Problem.response(Response.Status.REQUEST_ENTITY_TOO_LARGE, "OTLP body larger than " + MAX_BODY + " bytes");
        }
        try {
            traces.add(OtlpTraceDecoder.decode(body));
        } catch (IOException | RuntimeException e) {
            return Problem.response(Response.Status.BAD_REQUEST, "not an OTLP ExportTraceServiceRequest: " + e.getMessage());
        }
        // An empty ExportTraceServiceResponse (full success) is zero bytes of protobuf.
        return Response.ok(new byte[0], PROTOBUF).build();
    }
}
