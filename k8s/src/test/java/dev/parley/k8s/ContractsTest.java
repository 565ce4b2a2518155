package dev.parley.k8s;

import static dev.parley.k8s.Objects.containers;
import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.id;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.contracts.ConsumerGroups;
import dev.parley.contracts.FleetService;
import dev.parley.contracts.TopicSpec;
import dev.parley.contracts.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The manifests agree with the code: topics, consumer groups, ports, configuration, databases. */
class ContractsTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    /** Which group each consumer service runs, and the topic it reads (docs/messaging.md). */
    static final Map<FleetService, Map.Entry<String, TopicSpec>> CONSUMERS = Map.of(
            FleetService.DELIVERY_CONSUMER, Map.entry(ConsumerGroups.DELIVERY, Topics.MESSAGES_INBOUND),
            FleetService.PERSISTENCE_CONSUMER, Map.entry(ConsumerGroups.PERSISTENCE, Topics.MESSAGES_SEQUENCED));

    @Test
    void theKindOverlaysKafkaTopicsAreExactlyTheContractsTopics() {
        Map<String, Integer> rendered = new TreeMap<>();
        ofKind(Kustomize.overlay("kind"), "KafkaTopic").forEach(t -> rendered.put(
                t.path("spec").path("topicName").asText(Objects.name(t)), t.path("spec").path("partitions").asInt()));
        Map<String, Integer> expected = new TreeMap<>();
        Topics.ALL.forEach(t -> expected.put(t.name(), t.partitions()));
        assertEquals(expected, rendered);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void anyRenderedKafkaTopicIsAContractsTopicWithItsPartitions(String overlay) {
        Map<String, Integer> expected = Topics.ALL.stream().collect(Collectors.toMap(TopicSpec::name, TopicSpec::partitions));
        List<String> problems = new ArrayList<>();
        ofKind(Kustomize.overlay(overlay), "KafkaTopic").forEach(t -> {
            String topic = t.path("spec").path("topicName").asText(Objects.name(t));
            Integer partitions = expected.get(topic);
            if (partitions == null || partitions != t.path("spec").path("partitions").asInt()) {
                problems.add(id(t) + ": " + topic + " with " + t.path("spec").path("partitions") + " partitions is not in Topics");
            }
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void kedaTriggersNameTheRealGroupsAndTopicsAndNeverExceedThePartitions(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        String bootstrap = infra(objects).path("data").path("PARLEY_KAFKA_BOOTSTRAP").asText();
        List<String> problems = new ArrayList<>();
        CONSUMERS.forEach((service, groupAndTopic) -> {
            JsonNode so = Objects.find(objects, "ScaledObject", service.serviceName()).orElse(null);
            if (so == null) {
                problems.add(service.serviceName() + ": no ScaledObject");
                return;
            }
            List<JsonNode> kafka = elements(so.path("spec").path("triggers")).filter(t -> t.path("type").asText().equals("kafka")).toList();
            if (kafka.isEmpty()) {
                problems.add(id(so) + ": no kafka trigger");
            }
            kafka.forEach(t -> {
                JsonNode md = t.path("metadata");
                if (!md.path("consumerGroup").asText().equals(groupAndTopic.getKey())) {
                    problems.add(id(so) + ": consumerGroup " + md.path("consumerGroup") + ", the service's group is " + groupAndTopic.getKey());
                }
                if (!md.path("topic").asText().equals(groupAndTopic.getValue().name())) {
                    problems.add(id(so) + ": topic " + md.path("topic") + ", the group reads " + groupAndTopic.getValue().name());
                }
                if (!md.path("bootstrapServers").asText().equals(bootstrap)) {
                    problems.add(id(so) + ": bootstrapServers " + md.path("bootstrapServers") + " differs from parley-infra's " + bootstrap);
                }
            });
            int max = so.path("spec").path("maxReplicaCount").asInt(100);
            if (max > groupAndTopic.getValue().partitions()) {
                problems.add(id(so) + ": maxReplicaCount " + max + " > " + groupAndTopic.getValue().partitions()
                        + " partitions (extra consumers would sit idle)");
            }
        });
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceListensOnItsPortBehindAServiceOfTheSamePort(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (FleetService s : FleetService.values()) {
            JsonNode d = Objects.find(objects, "Deployment", s.serviceName()).orElseThrow();
            boolean port = containers(d).flatMap(c -> elements(c.path("ports")))
                    .anyMatch(p -> p.path("name").asText().equals("http") && p.path("containerPort").asInt() == s.defaultPort());
            if (!port) {
                problems.add(id(d) + ": no container port http:" + s.defaultPort());
            }
            JsonNode svc = Objects.find(objects, "Service", s.serviceName()).orElse(null);
            if (svc == null || elements(svc.path("spec").path("ports")).noneMatch(p -> p.path("port").asInt() == s.defaultPort())) {
                problems.add("Service " + s.serviceName() + " does not expose " + s.defaultPort());
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyParleyVariableAServiceReadsIsProvidedByItsDeployment(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (FleetService s : FleetService.values()) {
            JsonNode d = Objects.find(objects, "Deployment", s.serviceName()).orElseThrow();
            Set<String> provided = provided(objects, d);
            Set<String> needed = new TreeSet<>(ServiceProperties.of(s).parleyVariables());
            needed.remove("PARLEY_HTTP_PORT"); // the image's port is the default one
            needed.removeAll(provided);
            if (!needed.isEmpty()) {
                problems.add(id(d) + ": reads " + needed + " but the Deployment does not set them");
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyServiceUsesTheDatabaseItsCodeExpects(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        for (FleetService s : FleetService.values()) {
            String db = ServiceProperties.of(s).defaultDatabase();
            if (db == null) {
                continue;
            }
            String configured = Objects.findGenerated(objects, "ConfigMap", s.serviceName() + "-config")
                    .map(cm -> cm.path("data").path("PARLEY_PG_DATABASE").asText()).orElse("");
            if (!db.equals(configured)) {
                problems.add(s.serviceName() + ": PARLEY_PG_DATABASE is '" + configured + "', its code defaults to " + db);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theKindOverlayPointsTheFleetAtItsOwnKafkaRedisAndPostgres() {
        List<JsonNode> objects = Kustomize.overlay("kind");
        JsonNode data = infra(objects).path("data");
        String kafka = ofKind(objects, "Kafka").findFirst().map(Objects::name).orElseThrow();
        JsonNode listener = elements(ofKind(objects, "Kafka").findFirst().orElseThrow().path("spec").path("kafka").path("listeners"))
                .filter(l -> !l.path("tls").asBoolean()).findFirst().orElseThrow();
        // Namespace-qualified although the services share the namespace: KEDA dials the same address
        // from namespace keda (everyAddressDialledFromOutsideTheNamespaceCarriesTheNamespace).
        String ns = infra(objects).path("metadata").path("namespace").asText();
        assertEquals(kafka + "-kafka-bootstrap." + ns + ".svc:" + listener.path("port").asInt(), data.path("PARLEY_KAFKA_BOOTSTRAP").asText());

        URI redis = URI.create(data.path("PARLEY_REDIS_URL").asText());
        assertFalse(redis.getHost() == null, "PARLEY_REDIS_URL has a host");
        assertServicePort(objects, redis.getHost(), redis.getPort());
        assertServicePort(objects, data.path("PARLEY_PG_HOST").asText(), data.path("PARLEY_PG_PORT").asInt());

        // The databases the services use are created by PostgreSQL's init script.
        JsonNode init = ofKind(objects, "ConfigMap").filter(cm -> Objects.name(cm).startsWith("parley-postgres-init")).findFirst().orElseThrow();
        String sql = new StringBuilder().append(init.path("data").toString()).toString();
        Set<String> dbs = new HashSet<>();
        for (FleetService s : FleetService.values()) {
            String db = ServiceProperties.of(s).defaultDatabase();
            if (db != null) {
                dbs.add(db);
            }
        }
        assertFalse(dbs.isEmpty());
        dbs.forEach(db -> assertTrue(sql.contains("CREATE DATABASE " + db), "init script creates " + db));
    }

    /** host.namespace.svc[.cluster.local][:port], a comma-separated list of them for Kafka. */
    private static final java.util.regex.Pattern QUALIFIED = java.util.regex.Pattern.compile(
            "(?<svc>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.(?<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.svc(\\.cluster\\.local)?(:\\d+)?");

    /**
     * KEDA's scalers run in the keda-operator pod (namespace keda), not next to the consumers: a short
     * name like parley-kafka-bootstrap:9092 resolves only inside the fleet's namespace, so the scaler
     * cannot connect, the ScaledObject stays Ready=False and no HPA is created. Every address such a
     * component dials must be <service>.<namespace>.svc[:port]; where the overlay renders the Service
     * itself (kind), it must be in the namespace named.
     */
    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void everyAddressDialledFromOutsideTheNamespaceCarriesTheNamespace(String overlay) {
        List<JsonNode> objects = Kustomize.overlay(overlay);
        List<String> problems = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        ofKind(objects, "ScaledObject").forEach(so -> elements(so.path("spec").path("triggers"))
                .filter(t -> t.path("type").asText().equals("kafka"))
                .forEach(t -> addresses.add(id(so) + "=" + t.path("metadata").path("bootstrapServers").asText())));
        assertFalse(addresses.isEmpty(), "KEDA kafka triggers are rendered");
        for (String entry : addresses) {
            String where = entry.substring(0, entry.indexOf('='));
            for (String address : entry.substring(entry.indexOf('=') + 1).split(",")) {
                var m = QUALIFIED.matcher(address.strip());
                if (!m.matches()) {
                    problems.add(where + ": " + address + " is not <service>.<namespace>.svc[:port]; KEDA runs in namespace keda");
                    continue;
                }
                Objects.find(objects, "Service", m.group("svc")).ifPresent(svc -> {
                    if (!svc.path("metadata").path("namespace").asText().equals(m.group("ns"))) {
                        problems.add(where + ": " + address + " names namespace " + m.group("ns") + ", the Service is in "
                                + svc.path("metadata").path("namespace").asText());
                    }
                });
                ofKind(objects, "Kafka").forEach(k -> {
                    if (m.group("svc").equals(Objects.name(k) + "-kafka-bootstrap")
                            && !k.path("metadata").path("namespace").asText().equals(m.group("ns"))) {
                        problems.add(where + ": " + address + " names namespace " + m.group("ns") + ", Kafka " + Objects.name(k)
                                + " is in " + k.path("metadata").path("namespace").asText());
                    }
                });
            }
        }
        assertEquals(List.of(), problems);
    }

    private static void assertServicePort(List<JsonNode> objects, String host, int port) {
        JsonNode svc = Objects.find(objects, "Service", host).orElse(null);
        assertTrue(svc != null, "no Service " + host);
        assertTrue(elements(svc.path("spec").path("ports")).anyMatch(p -> p.path("port").asInt() == port), host + " has no port " + port);
    }

    static JsonNode infra(List<JsonNode> objects) {
        return Objects.findGenerated(objects, "ConfigMap", "parley-infra").orElseThrow();
    }

    /** Variables a container gets: envFrom ConfigMap keys and env names. */
    static Set<String> provided(List<JsonNode> objects, JsonNode workload) {
        Set<String> vars = new HashSet<>();
        containers(workload).forEach(c -> {
            elements(c.path("envFrom")).forEach(ef -> Objects.find(objects, "ConfigMap", ef.path("configMapRef").path("name").asText())
                    .ifPresent(cm -> cm.path("data").fieldNames().forEachRemaining(vars::add)));
            elements(c.path("env")).forEach(e -> vars.add(e.path("name").asText()));
        });
        return vars;
    }
}
