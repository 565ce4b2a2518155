package dev.parley.metrics.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Decodes request bodies produced by the OpenTelemetry SDK's own OTLP encoder. */
class OtlpTraceDecoderTest {

    static byte[] encodeTwoServiceTrace(List<SpanData> captured) throws IOException {
        SpanExporter exporter = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                captured.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        SdkTracerProvider gateway = provider("gateway", exporter);
        SdkTracerProvider ws = provider("ws-service", exporter);
        var root = gateway.get("test").spanBuilder("POST /api/messages").startSpan();
        var child = ws.get("test").spanBuilder("send").setParent(Context.root().with(root)).startSpan();
        child.setStatus(StatusCode.ERROR);
        child.end();
        root.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(captured).writeBinaryTo(out);
        return out.toByteArray();
    }

    private static SdkTracerProvider provider(String service, SpanExporter exporter) {
        return SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), service)))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
    }

    @Test
    void decodesSpansOfTwoServicesWithParentAndErrorStatus() throws Exception {
        List<SpanData> captured = new CopyOnWriteArrayList<>();
        byte[] body = encodeTwoServiceTrace(captured);
        assertEquals(2, captured.size(), "spans captured from the SDK");
        List<SpanRecord> spans = OtlpTraceDecoder.decode(body);
        assertEquals(2, spans.size(), "decoded spans");
        SpanRecord child = spans.stream().filter(s -> s.name().equals("send")).findFirst().orElseThrow();
        SpanRecord root = spans.stream().filter(s -> s.name().equals("POST /api/messages")).findFirst().orElseThrow();
        assertEquals("ws-service", child.service());
        assertEquals("gateway", root.service());
        assertEquals(root.spanId(), child.parentSpanId());
        assertEquals(root.traceId(), child.traceId());
        assertEquals(captured.get(0).getTraceId(), root.traceId());
        assertTrue(child.error());
        assertTrue(root.endNanos() >= root.startNanos());

        TraceStore store = new TraceStore();
        store.add(spans);
        TraceStore.Waterfall w = store.latest();
        assertEquals(2, w.services());
        assertEquals("gateway", w.spans().get(0).service());
        assertEquals(1, w.spans().get(1).depth());
    }

    @Test
    void truncatedBodyIsRejected() {
        assertThrows(IOException.class, () -> OtlpTraceDecoder.decode(new byte[] {0x0a, 0x05, 0x01}));
    }
}
