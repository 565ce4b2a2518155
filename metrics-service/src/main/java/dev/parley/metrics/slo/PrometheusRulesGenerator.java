package dev.parley.metrics.slo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prometheus recording and alerting rules for the configured objectives, with Sloth's rule names and
 * labels ({@code slo:sli_error:ratio_rate5m}, {@code slo:error_budget:ratio},
 * {@code slo:current_burn_rate:ratio}, …; {@code sloth_id/sloth_service/sloth_slo/sloth_window}), so
 * Sloth's Grafana dashboards work on them. Two deliberate differences from Sloth: the 30-day error
 * ratio is Σbad/Σtotal over the period from counters (Sloth averages the 5m ratios), and the burn
 * thresholds come from the same {@link BurnRateAlertRule}s the in-service engine evaluates.
 *
 * <p>SLIs assume Prometheus scrapes each service with {@code job="<service>"}.
 */
public final class PrometheusRulesGenerator {

    static final String REQUESTS = "http_server_requests_seconds_count";
    static final String BUCKETS = "http_server_requests_seconds_bucket";

    private PrometheusRulesGenerator() {
    }

    /** @param minEvents events a rule's short window needs before it may fire (0 = no such term) */
    public static String yaml(List<SloObjective> objectives, Duration period, List<BurnRateAlertRule> rules, long minEvents) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> groups = new ArrayList<>();
        for (SloObjective o : objectives) {
            groups.add(group("sloth-slo-sli-recordings-" + o.name(), sliRecordings(o, period)));
            groups.add(group("sloth-slo-meta-recordings-" + o.name(), metaRecordings(o, period)));
            groups.add(group("sloth-slo-alerts-" + o.name(), alerts(o, rules, minEvents)));
        }
        root.put("groups", groups);
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
            return "# Generated from metrics-service's SLO config by PrometheusRulesGenerator; do not edit.\n"
                    + yaml.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** "0.3" for 300 ms: the le label as Micrometer's Prometheus registry writes it. */
    public static String le(long thresholdMs) {
        return Double.toString(thresholdMs / 1000.0);
    }

    public static String sliErrorExpr(SloObjective o, String window) {
        String job = "job=\"" + o.service() + "\"";
        if (o.kind() == SliKind.AVAILABILITY) {
            return "(sum(rate(" + REQUESTS + "{" + job + ",status=~\"5..\"}[" + window + "])))\n/\n"
                    + "(sum(rate(" + REQUESTS + "{" + job + "}[" + window + "])))";
        }
        return "1 - (\n  (sum(rate(" + BUCKETS + "{" + job + ",le=\"" + le(o.latencyThresholdMs().getAsLong()) + "\"}["
                + window + "])))\n  /\n  (sum(rate(" + REQUESTS + "{" + job + "}[" + window + "])))\n)";
    }

    private static String periodExpr(SloObjective o, String window) {
        // increase() over the whole period: Σbad/Σtotal from counters, not an average of ratios.
        return sliErrorExpr(o, window).replace("rate(", "increase(");
    }

    private static List<Object> sliRecordings(SloObjective o, Duration period) {
        List<Object> out = new ArrayList<>();
        for (BurnWindow w : BurnWindow.values()) {
            out.add(record("slo:sli_error:ratio_rate" + w.promDuration(), sliErrorExpr(o, w.promDuration()),
                    labels(o, w.promDuration())));
        }
        String p = period.toDays() + "d";
        out.add(record("slo:sli_error:ratio_rate" + p, periodExpr(o, p), labels(o, p)));
        return out;
    }

    private static List<Object> metaRecordings(SloObjective o, Duration period) {
        String sel = selector(o);
        String p = period.toDays() + "d";
        List<Object> out = new ArrayList<>();
        out.add(record("slo:objective:ratio", "vector(" + num(o.target()) + ")", labels(o, null)));
        out.add(record("slo:error_budget:ratio", "vector(1-" + num(o.target()) + ")", labels(o, null)));
        out.add(record("slo:time_period:days", "vector(" + period.toDays() + ")", labels(o, null)));
        out.add(record("slo:current_burn_rate:ratio",
                "slo:sli_error:ratio_rate5m{" + sel + "}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
                        + "slo:error_budget:ratio{" + sel + "}", labels(o, null)));
        out.add(record("slo:period_burn_rate:ratio",
                "slo:sli_error:ratio_rate" + p + "{" + sel + "}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
                        + "slo:error_budget:ratio{" + sel + "}", labels(o, null)));
        out.add(record("slo:period_error_budget_remaining:ratio",
                "1 - slo:period_burn_rate:ratio{" + sel + "}", labels(o, null)));
        Map<String, String> info = labels(o, null);
        info.put("sloth_mode", "generated");
        info.put("sloth_objective", num(o.target() * 100));
        out.add(record("sloth_slo_info", "vector(1)", info));
        return out;
    }

    private static List<Object> alerts(SloObjective o, List<BurnRateAlertRule> rules, long minEvents) {
        List<Object> out = new ArrayList<>();
        for (Severity severity : Severity.values()) {
            List<BurnRateAlertRule> of = rules.stream().filter(r -> r.severity() == severity).toList();
            if (of.isEmpty()) {
                continue;
            }
            String expr = of.stream().map(r -> "(\n" + condition(o, r.shortWindow(), r.factor()) + "\n    and\n"
                    + condition(o, r.longWindow(), r.factor()) + enoughEvents(o, r.shortWindow(), minEvents) + "\n)")
                    .collect(Collectors.joining("\nor\n"));
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("alert", "ParleySlo" + (severity == Severity.P1 ? "Page" : "Ticket"));
            alert.put("expr", expr);
            Map<String, String> labels = labels(o, null);
            labels.put("severity", severity.name());
            labels.put("sloth_severity", severity.slothName());
            alert.put("labels", labels);
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put("summary", "{{$labels.sloth_service}} " + o.name() + " SLO error budget burn rate is too fast ("
                    + severity.name() + ").");
            annotations.put("title", "(" + severity.slothName() + ") {{$labels.sloth_service}} {{$labels.sloth_slo}} "
                    + "SLO error budget burn rate is too fast.");
            alert.put("annotations", annotations);
            out.add(alert);
        }
        return out;
    }

    private static String condition(SloObjective o, BurnWindow w, double factor) {
        return "    max(slo:sli_error:ratio_rate" + w.promDuration() + "{" + selector(o) + "} > (" + num(factor) + " * "
                + num(o.errorBudget()) + ")) without (sloth_window)";
    }

    /** The engine's minimum of events in the short window, as a label-free guard. */
    static String enoughEvents(SloObjective o, BurnWindow w, long minEvents) {
        if (minEvents <= 0) {
            return "";
        }
        return "\n    and on()\n    (sum(increase(" + REQUESTS + "{job=\"" + o.service() + "\"}[" + w.promDuration() + "])) >= " + minEvents + ")";
    }

    private static String selector(SloObjective o) {
        return "sloth_id=\"" + id(o) + "\", sloth_service=\"" + o.service() + "\", sloth_slo=\"" + o.name() + "\"";
    }

    /** Objective names are unique across the fleet, so the name is the id. */
    public static String id(SloObjective o) {
        return o.name();
    }

    /** Shortest exact decimal: 0.001 rather than 0.0010000000000000009. */
    static String num(double v) {
        return new java.math.BigDecimal(Double.toString(v)).round(new java.math.MathContext(12))
                .stripTrailingZeros().toPlainString();
    }

    private static Map<String, String> labels(SloObjective o, String window) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("sloth_id", id(o));
        labels.put("sloth_service", o.service());
        labels.put("sloth_slo", o.name());
        if (window != null) {
            labels.put("sloth_window", window);
        }
        return labels;
    }

    private static Map<String, Object> record(String name, String expr, Map<String, String> labels) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("record", name);
        r.put("expr", expr);
        r.put("labels", labels);
        return r;
    }

    private static Map<String, Object> group(String name, List<Object> rules) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("name", name);
        g.put("rules", rules);
        return g;
    }
}
