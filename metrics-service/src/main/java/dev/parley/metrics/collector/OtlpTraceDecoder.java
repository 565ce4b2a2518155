package dev.parley.metrics.collector;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the few fields the trace waterfall needs from an OTLP/HTTP protobuf
 * {@code ExportTraceServiceRequest} with protobuf-java's {@link CodedInputStream}, skipping all
 * others (field numbers from opentelemetry-proto trace/v1 and resource/v1). Generated OTLP classes
 * are not used: opentelemetry-proto ships them only as an alpha artifact.
 */
public final class OtlpTraceDecoder {

    private static final HexFormat HEX = HexFormat.of();

    private OtlpTraceDecoder() {
    }

    public static List<SpanRecord> decode(byte[] body) throws IOException {
        List<SpanRecord> spans = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(body);
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                resourceSpans(in.readBytes(), spans);
            } else {
                in.skipField(tag);
            }
        }
        return spans;
    }

    private static void resourceSpans(ByteString bytes, List<SpanRecord> out) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        String service = "unknown";
        List<ByteString> scopeSpans = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 && isBytes(tag)) {
                String name = serviceName(in.readBytes());
                if (name != null) {
                    service = name;
                }
            } else if (field == 2 && isBytes(tag)) {
                scopeSpans.add(in.readBytes());
            } else {
                in.skipField(tag);
            }
        }
        for (ByteString scope : scopeSpans) {
            CodedInputStream s = scope.newCodedInput();
            while ((tag = s.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == 2 && isBytes(tag)) {
                    out.add(span(s.readBytes(), service));
                } else {
                    s.skipField(tag);
                }
            }
        }
    }

    /** Resource.attributes (1) → KeyValue{key (1), value (2) AnyValue{string_value (1)}}; returns service.name. */
    private static String serviceName(ByteString resource) throws IOException {
        CodedInputStream in = resource.newCodedInput();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 1 && isBytes(tag)) {
                CodedInputStream kv = in.readBytes().newCodedInput();
                String key = null;
                String value = null;
                int t;
                while ((t = kv.readTag()) != 0) {
                    int f = WireFormat.getTagFieldNumber(t);
                    if (f == 1 && isBytes(t)) {
                        key = kv.readStringRequireUtf8();
                    } else if (f == 2 && isBytes(t)) {
                        CodedInputStream any = kv.readBytes().newCodedInput();
                        int a;
                        while ((a = any.readTag()) != 0) {
                            if (WireFormat.getTagFieldNumber(a) == 1 && isBytes(a)) {
                                value = any.readStringRequireUtf8();
                            } else {
                                any.skipField(a);
                            }
                        }
                    } else {
                        kv.skipField(t);
                    }
                }
                if ("service.name".equals(key) && value != null) {
                    return value;
                }
            } else {
                in.skipField(tag);
            }
        }
        return null;
    }

    private static SpanRecord span(ByteString bytes, String service) throws IOException {
        CodedInputStream in = bytes.newCodedInput();
        String traceId = "";
        String spanId = "";
        String parent = null;
        String name = "";
        int kind = 0;
        long start = 0;
        long end = 0;
        boolean error = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> traceId = HEX.formatHex(in.readBytes().toByteArray());
                case 2 -> spanId = HEX.formatHex(in.readBytes().toByteArray());
                case 4 -> {
                    byte[] p = in.readBytes().toByteArray();
                    parent = p.length == 0 ? null : HEX.formatHex(p);
                }
                case 5 -> name = in.readStringRequireUtf8();
                case 6 -> kind = in.readEnum();
                case 7 -> start = in.readFixed64();
                case 8 -> end = in.readFixed64();
                case 15 -> {
                    CodedInputStream status = in.readBytes().newCodedInput();
                    int t;
                    while ((t = status.readTag()) != 0) {
                        if (WireFormat.getTagFieldNumber(t) == 3) {
                            error = status.readEnum() == 2; // STATUS_CODE_ERROR
                        } else {
                            status.skipField(t);
                        }
                    }
                }
                default -> in.skipField(tag);
            }
        }
        if (traceId.length() != 32 || spanId.length() != 16) {
            throw new IOException("span without a valid trace or span id");
        }
        return new SpanRecord(traceId, spanId, parent, service, name, kind, start, end, error);
    }

    private static boolean isBytes(int tag) {
        return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }
}
