package dev.parley.metrics.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextParserTest {

    private final PrometheusTextParser parser = new PrometheusTextParser(1000);

    @Test
    void parsesSamplesLabelsEscapesAndSpecialValues() {
        String text = """
                # HELP http_server_requests_seconds HTTP server request processing time
                # TYPE http_server_requests_seconds histogram
                http_server_requests_seconds_bucket{method="GET",outcome="SUCCESS",status="200",uri="/a",le="0.3"} 7.0
                http_server_requests_seconds_bucket{method="GET",outcome="SUCCESS",status="200",uri="/a",le="+Inf"} 9.0
                http_server_requests_seconds_count{method="GET",status="200",uri="/a",} 9.0 1700000000000
                weird{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb"} -Inf
                up NaN
                process_cpu_usage 0.25
                # EOF
                """;
        List<Sample> samples = parser.parse(text);
        assertEquals(6, samples.size());
        assertEquals("0.3", samples.get(0).label("le"));
        assertEquals(7.0, samples.get(0).value());
        assertEquals(9.0, samples.get(2).value());
        assertEquals(Map.of("path", "C:\\dir", "quote", "say \"hi\"", "nl", "a\nb"), samples.get(3).labels());
        assertEquals(Double.NEGATIVE_INFINITY, samples.get(3).value());
        assertTrue(Double.isNaN(samples.get(4).value()));
        assertEquals(0.25, samples.get(5).value());
    }

    @Test
    void rejectsMalformedLinesWithTheLineNumber() {
        var e = assertThrows(PrometheusParseException.class, () -> parser.parse("ok 1\nbad{a=\"x} 1\n"));
        assertTrue(e.getMessage().startsWith("line 2"), e.getMessage());
        assertThrows(PrometheusParseException.class, () -> parser.parse("m{a=\"1\",a=\"2\"} 1"));
        assertThrows(PrometheusParseException.class, () -> parser.parse("m one"));
        assertThrows(PrometheusParseException.class, () -> parser.parse("9m 1"));
        assertThrows(PrometheusParseException.class, () -> parser.parse("m{a=b} 1"));
        assertThrows(PrometheusParseException.class, () -> parser.parse("m 1 2 3"));
    }

    @Test
    void boundsTheNumberOfSamples() {
        PrometheusTextParser small = new PrometheusTextParser(2);
        assertThrows(PrometheusParseException.class, () -> small.parse("a 1\nb 2\nc 3\n"));
    }

    @Test
    void extractsRedResourcesAndPools() {
        String text = """
                http_server_requests_seconds_count{status="200",uri="/a"} 90
                http_server_requests_seconds_count{status="503",uri="/a"} 10
                http_server_requests_seconds_bucket{status="200",uri="/a",le="0.1"} 80
                http_server_requests_seconds_bucket{status="503",uri="/a",le="0.1"} 10
                http_server_requests_seconds_bucket{status="200",uri="/a",le="+Inf"} 90
                http_server_requests_seconds_bucket{status="503",uri="/a",le="+Inf"} 10
                process_cpu_usage 0.5
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 100
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 50
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 30
                jvm_memory_max_bytes{area="heap",id="G1 Eden Space"} -1
                jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 1000
                sql_pool_active{pool_name="default",pool_type="sql"} 3
                sql_pool_idle{pool_name="default",pool_type="sql"} 17
                sql_pool_queue_size{pool_name="default",pool_type="sql"} 2
                parley_delivery_messages_received_total 40
                parley_delivery_dead_letters_total 3
                """;
        ServiceSample s = SampleExtractor.extract(1000, parser.parse(text),
                java.util.Set.of("parley_delivery_messages_received_total"), java.util.Set.of("parley_delivery_dead_letters_total"));
        assertEquals(140, s.work(), "HTTP requests plus Kafka records");
        assertEquals(13, s.workFailures(), "5xx plus dead letters");
        assertEquals(100, s.requests());
        assertEquals(10, s.errors());
        assertEquals(90, s.countWithin(0.1));
        assertEquals(100, s.buckets().get(Double.POSITIVE_INFINITY));
        assertEquals(0.5, s.cpu());
        assertEquals(150, s.heapUsed());
        assertEquals(1000, s.heapMax());
        assertEquals(30, s.nonHeapUsed());
        assertEquals(List.of(new PoolReading("sql", "default", 3, 17, 2, 20)), s.pools());
        assertEquals(0.15, s.pools().get(0).saturation(), 1e-12);
    }
}
