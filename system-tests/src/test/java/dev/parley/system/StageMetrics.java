package dev.parley.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of a phase went: the services' own Prometheus summaries (sum and count of a
 * timer or distribution), read before and after the phase, give the mean of each stage.
 */
final class StageMetrics {

    /** stage label → the metric's base name in the Prometheus text, in report order. */
    private static final List<Map.Entry<String, String>> STAGES = List.of(
            Map.entry("ws send→Kafka ack ms", "parley_ws_send_kafka_seconds"),
            Map.entry("delivery accept→published ms", "parley_delivery_latency_seconds"),
            Map.entry("delivery sequencing script ms", "parley_delivery_sequencing_duration_seconds"),
            Map.entry("ws accept→pushed ms", "parley_ws_delivery_latency_seconds"),
            Map.entry("delivery records per poll", "parley_delivery_batch_size"),
            Map.entry("delivery records per round", "parley_delivery_round_size"),
            Map.entry("delivery produced→polled ms", "parley_delivery_handover_seconds"),
            Map.entry("redis pool wait ms (all)", "redis_pool_queue_delay_seconds"),
            Map.entry("redis command ms (all)", "redis_pool_usage_seconds"));

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StageMetrics() {
    }

    /** Sum and count of every stage, added up over the services. */
    static Map<String, double[]> snapshot(List<ServiceProcess> services) {
        Map<String, double[]> totals = new LinkedHashMap<>();
        STAGES.forEach(stage -> totals.put(stage.getKey(), new double[2]));
        for (ServiceProcess service : services) {
            String text = scrape(service);
            STAGES.forEach(stage -> {
                double[] t = totals.get(stage.getKey());
                t[0] += sample(text, stage.getValue() + "_sum");
                t[1] += sample(text, stage.getValue() + "_count");
            });
        }
        return totals;
    }

    /** Mean of each stage between two snapshots; seconds become milliseconds. */
    static Map<String, Double> means(Map<String, double[]> before, Map<String, double[]> after) {
        Map<String, Double> means = new LinkedHashMap<>();
        after.forEach((label, t) -> {
            double count = t[1] - before.get(label)[1];
            double sum = t[0] - before.get(label)[0];
            double scale = label.endsWith(" ms") ? 1000 : 1;
            means.put(label, count <= 0 ? 0 : Math.round(sum / count * scale * 100) / 100.0);
        });
        return means;
    }

    /** The current value of one metric of one service (first sample, any labels); 0 when absent. */
    static double value(ServiceProcess service, String name) {
        return sample(scrape(service), name);
    }

    private static String scrape(ServiceProcess service) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    /** The value of the first sample of {@code name} (any labels); 0 when absent. */
    private static double sample(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
