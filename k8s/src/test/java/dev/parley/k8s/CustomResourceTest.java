package dev.parley.k8s;

import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.id;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Strimzi and KEDA resources: their required fields, and only the fields their CRDs define at the
 * levels written here (Strimzi kafka.strimzi.io/v1beta2, KEDA keda.sh/v1alpha1). The operators'
 * full OpenAPI schemas are not available offline; a real cluster checks the rest on apply.
 */
class CustomResourceTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    static final Map<String, Set<String>> KNOWN_SPEC_FIELDS = Map.of(
            "KafkaTopic", Set.of("topicName", "partitions", "replicas", "config"),
            "KafkaNodePool", Set.of("replicas", "storage", "roles", "resources", "jvmOptions", "template"),
            "Kafka", Set.of("kafka", "zookeeper", "entityOperator", "clusterCa", "clientsCa", "cruiseControl",
                    "kafkaExporter", "maintenanceTimeWindows"),
            "ScaledObject", Set.of("scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod",
                    "idleReplicaCount", "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers"));

    static final Set<String> KNOWN_KAFKA_FIELDS = Set.of("version", "metadataVersion", "replicas", "image", "listeners",
            "config", "storage", "authorization", "rack", "brokerRackInitImage", "livenessProbe", "readinessProbe",
            "jvmOptions", "jmxOptions", "resources", "metricsConfig", "logging", "template", "tieredStorage", "quotas");

    static final Set<String> KNOWN_KAFKA_TRIGGER_FIELDS = Set.of("bootstrapServers", "consumerGroup", "topic",
            "lagThreshold", "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers",
            "scaleToZeroOnInvalidOffset", "excludePersistentLag", "limitToPartitionsWithLag", "partitionLimitation",
            "sasl", "tls", "version", "ensureEvenDistributionOfPartitions");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void customResourcesHaveTheirRequiredFieldsAndNoUnknownSpecField(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        objects.stream().filter(o -> KNOWN_SPEC_FIELDS.containsKey(Objects.kind(o))).forEach(o -> {
            Set<String> unknown = new TreeSet<>();
            o.path("spec").fieldNames().forEachRemaining(unknown::add);
            unknown.removeAll(KNOWN_SPEC_FIELDS.get(Objects.kind(o)));
            if (!unknown.isEmpty()) {
                problems.add(id(o) + ": unknown spec fields " + unknown);
            }
        });

        Set<String> kafkas = new HashSet<>();
        ofKind(objects, "Kafka").forEach(k -> {
            kafkas.add(Objects.name(k));
            JsonNode kafka = k.path("spec").path("kafka");
            Set<String> unknown = new TreeSet<>();
            kafka.fieldNames().forEachRemaining(unknown::add);
            unknown.removeAll(KNOWN_KAFKA_FIELDS);
            if (!unknown.isEmpty()) {
                problems.add(id(k) + ": unknown spec.kafka fields " + unknown);
            }
            if (kafka.path("listeners").isEmpty()) {
                problems.add(id(k) + ": spec.kafka.listeners is required");
            }
            elements(kafka.path("listeners")).forEach(l -> {
                for (String f : List.of("name", "port", "type", "tls")) {
                    if (!l.has(f)) {
                        problems.add(id(k) + ": listener without " + f);
                    }
                }
            });
            if (k.path("spec").has("zookeeper")) {
                problems.add(id(k) + ": ZooKeeper; the cluster runs in KRaft mode");
            }
            if (!k.path("spec").path("entityOperator").has("topicOperator")) {
                problems.add(id(k) + ": no topic operator, the KafkaTopics would never become topics");
            }
        });
        Set<String> roles = new HashSet<>();
        int brokers = 0;
        for (JsonNode pool : ofKind(objects, "KafkaNodePool").toList()) {
            if (!kafkas.contains(pool.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                problems.add(id(pool) + ": strimzi.io/cluster names no rendered Kafka");
            }
            if (pool.path("spec").path("replicas").asInt(0) < 1) {
                problems.add(id(pool) + ": spec.replicas is required and >= 1");
            }
            if (!Set.of("ephemeral", "persistent-claim", "jbod").contains(pool.path("spec").path("storage").path("type").asText())) {
                problems.add(id(pool) + ": spec.storage.type is required (ephemeral, persistent-claim or jbod)");
            }
            elements(pool.path("spec").path("roles")).forEach(r -> roles.add(r.asText()));
            if (elements(pool.path("spec").path("roles")).anyMatch(r -> r.asText().equals("broker"))) {
                brokers += pool.path("spec").path("replicas").asInt();
            }
        }
        if (!kafkas.isEmpty() && !roles.containsAll(Set.of("controller", "broker"))) {
            problems.add("KRaft needs node pools with the controller and broker roles, have " + roles);
        }
        final int brokerCount = brokers;
        ofKind(objects, "KafkaTopic").forEach(t -> {
            if (!kafkas.contains(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                problems.add(id(t) + ": strimzi.io/cluster names no rendered Kafka");
            }
            if (t.path("spec").path("partitions").asInt(0) < 1) {
                problems.add(id(t) + ": spec.partitions >= 1 is required");
            }
            int replicas = t.path("spec").path("replicas").asInt(0);
            if (replicas < 1 || replicas > brokerCount) {
                problems.add(id(t) + ": spec.replicas " + replicas + " must be between 1 and the " + brokerCount + " brokers");
            }
        });

        ofKind(objects, "ScaledObject").forEach(so -> {
            if (so.path("spec").path("scaleTargetRef").path("name").asText().isEmpty()) {
                problems.add(id(so) + ": spec.scaleTargetRef.name is required");
            }
            if (so.path("spec").path("triggers").isEmpty()) {
                problems.add(id(so) + ": spec.triggers is required");
            }
            elements(so.path("spec").path("triggers")).forEach(t -> {
                if (t.path("type").asText().isEmpty() || !t.path("metadata").isObject()) {
                    problems.add(id(so) + ": a trigger needs type and metadata");
                }
                // KEDA reads trigger metadata as a map of strings.
                t.path("metadata").fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        problems.add(id(so) + ": trigger metadata " + e.getKey() + " must be a string");
                    }
                    if (t.path("type").asText().equals("kafka") && !KNOWN_KAFKA_TRIGGER_FIELDS.contains(e.getKey())) {
                        problems.add(id(so) + ": unknown kafka trigger parameter " + e.getKey());
                    }
                });
            });
        });
        assertEquals(List.of(), problems);
        if (overlay.equals("kind")) {
            assertTrue(!kafkas.isEmpty(), "the kind overlay brings its own Kafka");
        }
    }
}
