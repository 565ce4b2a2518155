package dev.parley.metrics.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Grafana dashboard over the generated recording rules (one error-budget stat and one burn-rate
 * series per objective) and the fleet's raw metrics (RED per job, consumer lag, pool saturation).
 * Its Prometheus datasource is a dashboard variable, so it imports into any Grafana.
 */
public final class GrafanaDashboardGenerator {

    private GrafanaDashboardGenerator() {
    }

    public static String json(List<SloObjective> objectives) {
        List<Object> panels = new ArrayList<>();
        int id = 1;
        int y = 0;
        int x = 0;
        for (SloObjective o : objectives) {
            String sel = "sloth_slo=\"" + o.name() + "\"";
            panels.add(panel(id++, "stat", o.name() + " — error budget remaining (30d)", x, y, 6, 5, "percentunit",
                    List.of(target("slo:period_error_budget_remaining:ratio{" + sel + "}", "remaining")),
                    Map.of("reduceOptions", Map.of("calcs", List.of("lastNotNull")))));
            x += 6;
            if (x >= 24) {
                x = 0;
                y += 5;
            }
        }
        y += x == 0 ? 0 : 5;
        panels.add(panel(id++, "timeseries", "Current burn rate (5m) by SLO", 0, y, 12, 8, "short",
                List.of(target("slo:current_burn_rate:ratio", "{{sloth_slo}}")), Map.of()));
        panels.add(panel(id++, "timeseries", "Error ratio 1h by SLO", 12, y, 12, 8, "percentunit",
                List.of(target("slo:sli_error:ratio_rate1h", "{{sloth_slo}}")), Map.of()));
        y += 8;
        panels.add(panel(id++, "timeseries", "Requests per second by service", 0, y, 8, 8, "reqps",
                List.of(target("sum by (job) (rate(http_server_requests_seconds_count[1m]))", "{{job}}")), Map.of()));
        panels.add(panel(id++, "timeseries", "5xx ratio by service", 8, y, 8, 8, "percentunit",
                List.of(target("sum by (job) (rate(http_server_requests_seconds_count{status=~\"5..\"}[1m]))"
                        + " / sum by (job) (rate(http_server_requests_seconds_count[1m]))", "{{job}}")), Map.of()));
        panels.add(panel(id++, "timeseries", "p99 latency by service", 16, y, 8, 8, "s",
                List.of(target("histogram_quantile(0.99, sum by (job, le) (rate(http_server_requests_seconds_bucket[1m])))",
                        "{{job}}")), Map.of()));
        y += 8;
        panels.add(panel(id++, "timeseries", "Kafka consumer lag by group", 0, y, 12, 8, "short",
                List.of(target("parley_kafka_consumer_group_lag", "{{group}}")), Map.of()));
        panels.add(panel(id++, "timeseries", "Database pool saturation by service", 12, y, 12, 8, "percentunit",
                List.of(target("sum by (job) (sql_pool_active) / (sum by (job) (sql_pool_active) + sum by (job) (sql_pool_idle))",
                        "{{job}}")), Map.of()));

        Map<String, Object> dashboard = new LinkedHashMap<>();
        dashboard.put("title", "Parley — SLOs and fleet RED");
        dashboard.put("uid", "parley-slo");
        dashboard.put("tags", List.of("parley", "slo", "generated"));
        dashboard.put("timezone", "utc");
        dashboard.put("schemaVersion", 39);
        dashboard.put("refresh", "30s");
        dashboard.put("time", Map.of("from", "now-6h", "to", "now"));
        dashboard.put("templating", Map.of("list", List.of(Map.of(
                "name", "datasource", "type", "datasource", "query", "prometheus", "label", "Prometheus"))));
        dashboard.put("panels", panels);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(dashboard) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> target(String expr, String legend) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("datasource", Map.of("type", "prometheus", "uid", "${datasource}"));
        t.put("expr", expr);
        t.put("legendFormat", legend);
        return t;
    }

    private static Map<String, Object> panel(int id, String type, String title, int x, int y, int w, int h, String unit,
                                             List<Object> targets, Map<String, Object> options) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", id);
        p.put("type", type);
        p.put("title", title);
        p.put("gridPos", Map.of("x", x, "y", y, "w", w, "h", h));
        p.put("datasource", Map.of("type", "prometheus", "uid", "${datasource}"));
        p.put("fieldConfig", Map.of("defaults", Map.of("unit", unit), "overrides", List.of()));
        p.put("options", options);
        p.put("targets", targets);
        return p;
    }
}
