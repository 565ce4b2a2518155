package dev.parley.k8s;

import static dev.parley.k8s.Objects.containers;
import static dev.parley.k8s.Objects.elements;
import static dev.parley.k8s.Objects.kind;
import static dev.parley.k8s.Objects.name;
import static dev.parley.k8s.Objects.ofKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contracts.FleetService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The NetworkPolicies of each overlay allow exactly the flows the configuration needs. The needed
 * flows are derived, not listed: from the PARLEY_* variables each service's application.properties
 * reads (prod profile) and the values its Deployment gives them (Redis, Kafka, PostgreSQL, OTLP,
 * downstream URLs), metrics-service's discovery (labelled Services, their "http" port, the API
 * server), the address ws-service advertises for the gateway's relay, the Ingress (controller to
 * backend), KEDA's kafka triggers, Strimzi's own traffic for a rendered Kafka, and DNS for every pod.
 * The allowed flows are computed from the rendered policies (egress at the source, ingress at the
 * destination). A needed flow not allowed fails; so does an allowed one nobody needs, a peer that is
 * an empty podSelector or any namespace, a rule without ports or peers, and an ipBlock 0.0.0.0/0 on
 * anything but the API server's ports.
 */
class NetworkPolicyFlowTest {

    static final List<String> OVERLAYS = Kustomize.OVERLAYS;

    /** An end of a flow: a pod group in a namespace ("*" = any pod there), or the API server. */
    record End(String namespace, String pods) {
        static final End API_SERVER = new End("", "api-server");

        @Override
        public String toString() {
            return this == API_SERVER || pods.equals("api-server") ? "api-server" : namespace + "/" + pods;
        }
    }

    record Flow(End from, End to, String protocol, int port) {
        @Override
        public String toString() {
            return from + " -> " + to + " " + protocol + "/" + port;
        }
    }

    /** A pod group of the namespace: a rendered workload, or a Strimzi pod the operator creates. */
    record Pod(String name, Map<String, String> labels) {
    }

    /** The API server's ports: the kubernetes Service (443) and the control plane behind it (6443). */
    static final Set<Integer> API_PORTS = Set.of(443, 6443);

    /** Which ingress controller serves an ingressClassName: its namespace and pod labels (kind's provider manifest). */
    static final Map<String, End> INGRESS_CONTROLLERS = Map.of(
            "nginx", new End("ingress-nginx", "app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx"));

    /** Where KEDA's kafka scaler runs (make kind-up installs KEDA's release manifest in namespace keda). */
    static final End KEDA_OPERATOR = new End("keda", "app=keda-operator");

    static final End KUBE_DNS = new End("kube-system", "k8s-app=kube-dns");

    /** The Prometheus Operator's Prometheus pods (kube-prometheus-stack in namespace monitoring). */
    static final End PROMETHEUS = new End("monitoring", "app.kubernetes.io/name=prometheus");

    /**
     * Services that dial the addresses others advertise in the Redis pod set: the gateway's
     * WebSocket relay (gateway relay/WebSocketRelay) connects to each ws-service pod's
     * PARLEY_WS_ADVERTISED_URL; no Service name is involved, so the environment alone cannot say who.
     */
    static final List<String> ADVERTISED_URL_DIALERS = List.of(FleetService.GATEWAY.serviceName());

    private static final Pattern PARLEY_VAR = Pattern.compile("\\$\\{(PARLEY_[A-Z0-9_]+)(?::[^}]*)?}");
    private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
    /** [scheme://]host:port[/path]; a value without an explicit port is not an address. */
    private static final Pattern ADDRESS = Pattern.compile("^(?:[a-z][a-z0-9+.-]*:)*(?://)?([A-Za-z0-9.$()_-]+):(\\d+)(?:/.*)?$");

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void thePoliciesAllowExactlyTheFlowsTheConfigurationNeeds(String overlay) {
        assertEquals(List.of(), check(Kustomize.overlay(overlay)), overlay + ": network policy problems");
    }

    @ParameterizedTest
    @FieldSource("OVERLAYS")
    void theDerivationFindsTheKnownFlows(String overlay) {
        // Guards the derivation itself: if it stopped reading the configuration, the comparison
        // above would pass on an empty set.
        Set<String> flows = expected(Kustomize.overlay(overlay), new ArrayList<>()).stream().map(Flow::toString)
                .collect(Collectors.toSet());
        String ns = "parley/";
        for (String f : List.of(
                ns + "gateway -> " + ns + "ws-service TCP/8081",
                ns + "gateway -> " + ns + "seat-service TCP/8084",
                ns + "gateway -> " + ns + "persistence-consumer TCP/8083",
                "ingress-nginx/app.kubernetes.io/component=controller,app.kubernetes.io/name=ingress-nginx -> " + ns + "gateway TCP/8080",
                ns + "metrics-service -> " + ns + "delivery-consumer TCP/8082",
                ns + "metrics-service -> api-server TCP/6443")) {
            assertTrue(flows.contains(f), overlay + ": expected flow " + f + " not derived; derived: " + new TreeSet<>(flows));
        }
        String redis = overlay.equals("kind") ? ns + "parley-redis TCP/6379" : "redis/* TCP/6379";
        String pg = overlay.equals("kind") ? ns + "parley-postgres TCP/5432" : "postgres/* TCP/5432";
        assertTrue(flows.contains(ns + "delivery-consumer -> " + pg), "delivery-consumer reads PostgreSQL (PARLEY_PG_URL)");
        assertTrue(flows.contains(ns + "gateway -> " + redis));
        assertTrue(flows.stream().noneMatch(f -> f.startsWith(ns + "gateway -> ") && f.endsWith("9092")), "the gateway has no Kafka");
        assertTrue(flows.stream().noneMatch(f -> f.startsWith(ns + "metrics-service -> ") && f.endsWith("6379")), "metrics-service has no Redis");
        assertEquals(overlay.equals("production"), flows.contains(ns + "seat-service -> observability/* TCP/4317"),
                "OTLP export only where the SDK is on");
        assertEquals(overlay.equals("production"), flows.contains("monitoring/app.kubernetes.io/name=prometheus -> " + ns + "ws-service TCP/8081"),
                "Prometheus scrapes where the monitoring component is rendered");
    }

    // ---- negative controls: the checker catches a policy that is too wide or misses a flow ----

    @Test
    void aMissingFlowIsCaught() {
        List<String> problems = checkMutated("kind", "gateway", p -> {
            ArrayNode egress = (ArrayNode) p.path("spec").path("egress");
            for (int i = egress.size() - 1; i >= 0; i--) {
                if (egress.get(i).toString().contains("seat-service")) {
                    egress.remove(i);
                }
            }
        });
        assertTrue(problems.stream().anyMatch(s -> s.startsWith("missing") && s.contains("parley/gateway -> parley/seat-service TCP/8084")),
                problems.toString());
    }

    @Test
    void aMissingIngressSideIsCaught() {
        List<String> problems = checkMutated("kind", "parley-postgres", p -> ((ObjectNode) p.path("spec")).putArray("ingress"));
        assertTrue(problems.stream().anyMatch(s -> s.startsWith("missing") && s.contains("-> parley/parley-postgres TCP/5432")),
                problems.toString());
    }

    @Test
    void aFlowNobodyNeedsIsCaught() {
        // ws-service has no business with seat-service.
        List<String> problems = checkMutated("kind", "ws-service", p -> {
            ((ArrayNode) p.path("spec").path("policyTypes")).add("Egress");
            ((ObjectNode) p.path("spec")).putArray("egress").add(rule("to", peer("seat-service"), 8084));
        });
        assertTrue(problems.stream().anyMatch(s -> s.startsWith("not needed") && s.contains("parley/ws-service -> parley/seat-service TCP/8084")),
                problems.toString());
    }

    @Test
    void anEmptyPodSelectorPeerIsCaught() {
        List<String> problems = checkMutated("production", "redis-clients", p -> ((ArrayNode) p.path("spec").path("egress").get(0).path("to"))
                .addObject().putObject("podSelector"));
        assertTrue(problems.stream().anyMatch(s -> s.contains("empty podSelector")), problems.toString());
    }

    @Test
    void aRuleWithoutPortsIsCaught() {
        List<String> problems = checkMutated("production", "postgres-clients", p -> ((ObjectNode) p.path("spec").path("egress").get(0)).remove("ports"));
        assertTrue(problems.stream().anyMatch(s -> s.contains("no port restriction")), problems.toString());
    }

    @Test
    void anOpenIpBlockBeyondTheApiServerIsCaught() {
        List<String> problems = checkMutated("kind", "metrics-service-api-server", p -> ((ArrayNode) p.path("spec").path("egress").get(0).path("ports"))
                .addObject().put("protocol", "TCP").put("port", 80));
        assertTrue(problems.stream().anyMatch(s -> s.contains("0.0.0.0/0") && s.contains("80")), problems.toString());
        List<String> elsewhere = checkMutated("kind", "ws-service", p -> {
            ((ArrayNode) p.path("spec").path("policyTypes")).add("Egress");
            ObjectNode r = ((ObjectNode) p.path("spec")).putArray("egress").addObject();
            r.putArray("to").addObject().putObject("ipBlock").put("cidr", "0.0.0.0/0");
            r.putArray("ports").addObject().put("protocol", "TCP").put("port", 443);
        });
        assertTrue(elsewhere.stream().anyMatch(s -> s.startsWith("not needed") && s.contains("parley/ws-service -> api-server")), elsewhere.toString());
    }

    @Test
    void anOpenKafkaListenerIsCaught() {
        List<JsonNode> objects = copy(Kustomize.overlay("kind"));
        ObjectNode listener = (ObjectNode) Objects.ofKind(objects, "Kafka").findFirst().orElseThrow()
                .path("spec").path("kafka").path("listeners").get(0);
        ((ArrayNode) listener.path("networkPolicyPeers")).addObject().putObject("podSelector").putObject("matchLabels")
                .put("app.kubernetes.io/name", "gateway");
        assertTrue(check(objects).stream().anyMatch(s -> s.contains("not needed (ingress allowed): parley/gateway -> parley/parley-kafka TCP/9092")));
        listener.remove("networkPolicyPeers");
        assertTrue(check(objects).stream().anyMatch(s -> s.contains("no networkPolicyPeers")));
    }

    @Test
    void aDroppedDefaultDenyIsCaught() {
        List<JsonNode> objects = new ArrayList<>(Kustomize.overlay("kind"));
        objects.removeIf(o -> kind(o).equals("NetworkPolicy") && name(o).equals("default-deny"));
        assertTrue(check(objects).stream().anyMatch(s -> s.contains("default deny")));
    }

    @Test
    void aNewDependencyInTheConfigurationIsANeededFlow() {
        // seat-service given a downstream URL to persistence-consumer: the flow becomes needed and the
        // rendered policies, which do not allow it, fail.
        List<JsonNode> objects = copy(Kustomize.overlay("kind"));
        JsonNode seat = Objects.find(objects, "Deployment", "seat-service").orElseThrow();
        ((ArrayNode) containers(seat).findFirst().orElseThrow().path("env")).addObject()
                .put("name", "PARLEY_PERSISTENCE_URL").put("value", "http://persistence-consumer:8083");
        List<String> problems = check(objects);
        assertTrue(problems.stream().anyMatch(s -> s.startsWith("missing") && s.contains("parley/seat-service -> parley/persistence-consumer TCP/8083")),
                problems.toString());
    }

    private static ObjectNode peer(String app) {
        ObjectNode peer = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        peer.putObject("podSelector").putObject("matchLabels").put("app.kubernetes.io/name", app);
        return peer;
    }

    private static ObjectNode rule(String direction, ObjectNode peer, int port) {
        ObjectNode r = peer.objectNode();
        r.putArray(direction).add(peer);
        r.putArray("ports").addObject().put("protocol", "TCP").put("port", port);
        return r;
    }

    private static List<JsonNode> copy(List<JsonNode> objects) {
        List<JsonNode> out = new ArrayList<>();
        objects.forEach(o -> out.add(o.deepCopy()));
        return out;
    }

    private static List<String> checkMutated(String overlay, String policy, Consumer<ObjectNode> mutation) {
        List<JsonNode> objects = copy(Kustomize.overlay(overlay));
        ObjectNode p = (ObjectNode) Objects.find(objects, "NetworkPolicy", policy).orElseThrow();
        mutation.accept(p);
        return check(objects);
    }

    // ---- the checker ----

    /** Problems of the rendered policies against the flows derived from the same render. */
    static List<String> check(List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        Set<Flow> expected = expected(objects, problems);
        String ns = namespace(objects);
        List<Pod> pods = pods(objects);
        Set<Flow> egress = new TreeSet<>(ORDER);
        Set<Flow> ingress = new TreeSet<>(ORDER);
        boolean defaultDeny = false;
        for (JsonNode p : ofKind(objects, "NetworkPolicy").toList()) {
            String where = "NetworkPolicy/" + name(p);
            JsonNode spec = p.path("spec");
            List<String> types = elements(spec.path("policyTypes")).map(JsonNode::asText).toList();
            if (types.isEmpty()) {
                problems.add(where + ": policyTypes must be explicit");
            }
            boolean all = spec.path("podSelector").isEmpty();
            if (all && types.contains("Ingress") && types.contains("Egress") && spec.path("ingress").isEmpty() && spec.path("egress").isEmpty()) {
                defaultDeny = true;
            }
            List<Pod> selected = pods.stream().filter(pod -> matches(spec.path("podSelector"), pod.labels(), problems, where)).toList();
            if (selected.isEmpty()) {
                problems.add(where + ": selects no pod of the namespace");
            }
            for (String direction : List.of("egress", "ingress")) {
                if (spec.has(direction) && !types.contains(direction.equals("egress") ? "Egress" : "Ingress")) {
                    problems.add(where + ": has " + direction + " rules but not that policyType (they are ignored)");
                }
                String peersKey = direction.equals("egress") ? "to" : "from";
                for (JsonNode rule : elements(spec.path(direction)).toList()) {
                    if (rule.path(peersKey).isEmpty()) {
                        problems.add(where + ": an " + direction + " rule without '" + peersKey + "' (any peer)");
                        continue;
                    }
                    if (rule.path("ports").isEmpty()) {
                        problems.add(where + ": an " + direction + " rule with no port restriction");
                        continue;
                    }
                    for (JsonNode port : elements(rule.path("ports")).toList()) {
                        if (!port.path("port").isInt() || port.has("endPort")) {
                            problems.add(where + ": port " + port + " must be one numeric port");
                            continue;
                        }
                        String proto = port.path("protocol").asText("TCP");
                        int number = port.path("port").asInt();
                        for (JsonNode peer : elements(rule.path(peersKey)).toList()) {
                            for (End end : peerEnds(peer, ns, pods, number, problems, where)) {
                                for (Pod s : selected) {
                                    End self = new End(ns, s.name());
                                    if (direction.equals("egress")) {
                                        egress.add(new Flow(self, end, proto, number));
                                    } else {
                                        ingress.add(new Flow(end, self, proto, number));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Strimzi generates an ingress policy for each Kafka's pods from its listeners: a listener
        // without networkPolicyPeers is open to every pod of every namespace.
        for (JsonNode k : ofKind(objects, "Kafka").toList()) {
            String where = "Kafka/" + name(k);
            End kafka = new End(ns, name(k) + "-kafka");
            for (JsonNode l : elements(k.path("spec").path("kafka").path("listeners")).toList()) {
                int port = l.path("port").asInt();
                if (l.path("networkPolicyPeers").isEmpty()) {
                    problems.add(where + ": listener " + l.path("name").asText() + " has no networkPolicyPeers (Strimzi admits every peer on " + port + ")");
                    continue;
                }
                for (JsonNode peer : elements(l.path("networkPolicyPeers")).toList()) {
                    peerEnds(peer, ns, pods, port, problems, where).forEach(end -> ingress.add(new Flow(end, kafka, "TCP", port)));
                }
            }
        }
        if (!defaultDeny) {
            problems.add("no default deny: a NetworkPolicy selecting every pod ({}) for Ingress and Egress with no rules");
        }
        for (Flow f : expected) {
            boolean out = !f.from().namespace().equals(ns) || egress.contains(f);
            boolean in = !f.to().namespace().equals(ns) || ingress.contains(f);
            if (!out || !in) {
                problems.add("missing " + (!out ? "egress" : "ingress") + ": " + f);
            }
        }
        egress.stream().filter(f -> !expected.contains(f)).forEach(f -> problems.add("not needed (egress allowed): " + f));
        ingress.stream().filter(f -> !expected.contains(f)).forEach(f -> problems.add("not needed (ingress allowed): " + f));
        return problems;
    }

    private static final java.util.Comparator<Flow> ORDER = java.util.Comparator.comparing(Flow::toString);

    /** The ends a policy peer stands for; problems for peers that are too wide or unsupported. */
    private static List<End> peerEnds(JsonNode peer, String ns, List<Pod> pods, int port, List<String> problems, String where) {
        if (peer.has("ipBlock")) {
            String cidr = peer.path("ipBlock").path("cidr").asText();
            if (cidr.equals("0.0.0.0/0") || cidr.equals("::/0")) {
                if (!API_PORTS.contains(port)) {
                    problems.add(where + ": ipBlock " + cidr + " on port " + port + " (only the API server's ports " + API_PORTS + " may be any address)");
                    return List.of();
                }
                return List.of(End.API_SERVER);
            }
            return List.of(new End("ipBlock", cidr));
        }
        String peerNs = ns;
        if (peer.has("namespaceSelector")) {
            JsonNode nsSel = peer.path("namespaceSelector");
            Map<String, String> labels = Objects.labels(nsSel.path("matchLabels"));
            if (nsSel.has("matchExpressions") || labels.size() != 1 || !labels.containsKey("kubernetes.io/metadata.name")) {
                problems.add(where + ": namespaceSelector " + nsSel + " must name one namespace by kubernetes.io/metadata.name");
                return List.of();
            }
            peerNs = labels.get("kubernetes.io/metadata.name");
        }
        JsonNode podSel = peer.path("podSelector");
        if (peerNs.equals(ns)) {
            if (podSel.isMissingNode() || podSel.isEmpty()) {
                problems.add(where + ": empty podSelector as a peer (every pod of the namespace)");
                return List.of();
            }
            List<End> ends = pods.stream().filter(p -> matches(podSel, p.labels(), problems, where)).map(p -> new End(ns, p.name())).toList();
            if (ends.isEmpty()) {
                problems.add(where + ": peer " + peer + " matches no pod");
            }
            return ends;
        }
        if (podSel.has("matchExpressions")) {
            problems.add(where + ": a peer in another namespace is chosen by matchLabels only");
            return List.of();
        }
        return List.of(new End(peerNs, podSel.isEmpty() ? "*" : selectorString(Objects.labels(podSel.path("matchLabels")))));
    }

    private static boolean matches(JsonNode selector, Map<String, String> labels, List<String> problems, String where) {
        Map<String, String> ml = Objects.labels(selector.path("matchLabels"));
        if (!labels.entrySet().containsAll(ml.entrySet())) {
            return false;
        }
        for (JsonNode e : elements(selector.path("matchExpressions")).toList()) {
            String key = e.path("key").asText();
            Set<String> values = elements(e.path("values")).map(JsonNode::asText).collect(Collectors.toSet());
            switch (e.path("operator").asText()) {
                case "In" -> {
                    if (!values.contains(labels.get(key))) {
                        return false;
                    }
                }
                case "NotIn" -> {
                    if (values.contains(labels.get(key))) {
                        return false;
                    }
                }
                case "Exists" -> {
                    if (!labels.containsKey(key)) {
                        return false;
                    }
                }
                default -> {
                    problems.add(where + ": unsupported operator " + e);
                    return false;
                }
            }
        }
        return true;
    }

    private static String selectorString(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(","));
    }

    // ---- the derivation ----

    static String namespace(List<JsonNode> objects) {
        return Objects.workloads(objects).map(w -> w.path("metadata").path("namespace").asText()).findFirst().orElseThrow();
    }

    /** The namespace's pods: the rendered workloads, and for each Strimzi Kafka the pods its operator runs. */
    static List<Pod> pods(List<JsonNode> objects) {
        List<Pod> pods = new ArrayList<>();
        Objects.workloads(objects).forEach(w -> pods.add(new Pod(name(w), Objects.podLabels(w))));
        ofKind(objects, "Kafka").forEach(k -> {
            String c = name(k);
            pods.add(new Pod(c + "-kafka", Map.of("strimzi.io/cluster", c, "strimzi.io/kind", "Kafka", "strimzi.io/name", c + "-kafka")));
            if (k.path("spec").has("entityOperator")) {
                pods.add(new Pod(c + "-entity-operator",
                        Map.of("strimzi.io/cluster", c, "strimzi.io/kind", "Kafka", "strimzi.io/name", c + "-entity-operator")));
            }
        });
        if (ofKind(objects, "Kafka").findAny().isPresent()) {
            // make kind-up installs the cluster operator into the namespace it watches (this one).
            pods.add(new Pod("strimzi-cluster-operator", Map.of("name", "strimzi-cluster-operator", "strimzi.io/kind", "cluster-operator")));
        }
        return pods;
    }

    static Set<Flow> expected(List<JsonNode> objects, List<String> problems) {
        String ns = namespace(objects);
        Set<String> shared = sharedConfigMaps(objects);
        List<Pod> pods = pods(objects);
        Set<Flow> flows = new TreeSet<>(ORDER);
        for (Pod p : pods) {
            flows.add(new Flow(new End(ns, p.name()), KUBE_DNS, "UDP", 53));
            flows.add(new Flow(new End(ns, p.name()), KUBE_DNS, "TCP", 53));
        }
        for (FleetService s : FleetService.values()) {
            JsonNode d = Objects.find(objects, "Deployment", s.serviceName()).orElse(null);
            if (d == null) {
                problems.add("no Deployment " + s.serviceName());
                continue;
            }
            End self = new End(ns, s.serviceName());
            ServiceProperties props = ServiceProperties.of(s);
            Map<String, String> env = expand(Objects.env(objects, d));
            Set<String> reads = new TreeSet<>(readVariables(props));
            reads.addAll(ownVariables(objects, d, shared));
            boolean otelOff = "true".equalsIgnoreCase(env.get("QUARKUS_OTEL_SDK_DISABLED"));
            for (String var : reads) {
                String value = env.get(var);
                if (value == null || (var.equals("PARLEY_OTLP_ENDPOINT") && otelOff)) {
                    continue;
                }
                for (String address : value.split(",")) {
                    Matcher m = ADDRESS.matcher(address.trim());
                    if (!m.matches()) {
                        continue; // not an address: a name, a flag, a CIDR
                    }
                    int port = Integer.parseInt(m.group(2));
                    if (var.endsWith("_ADVERTISED_URL")) {
                        // The pod's own address, published for others to dial.
                        for (String dialer : ADVERTISED_URL_DIALERS) {
                            flows.add(new Flow(new End(ns, dialer), self, "TCP", port));
                        }
                        continue;
                    }
                    if (m.group(1).contains("$(")) {
                        problems.add(s.serviceName() + ": " + var + "=" + value + " has an unresolved host");
                        continue;
                    }
                    resolve(objects, pods, ns, m.group(1), port, problems, s.serviceName() + " " + var)
                            .forEach(to -> flows.add(new Flow(self, to.end(), "TCP", to.port())));
                }
            }
            String discovery = props.properties().getProperty("parley.scrape.kubernetes.enabled", "false");
            Matcher dv = PARLEY_VAR.matcher(discovery);
            boolean discovers = dv.find() ? "true".equals(env.get(dv.group(1))) : "true".equals(discovery);
            if (discovers) {
                // ScrapeConfig's defaults: Services labelled app.kubernetes.io/part-of=parley, port "http".
                Map<String, String> sel = parseSelector(props.properties().getProperty("parley.scrape.kubernetes.label-selector",
                        "app.kubernetes.io/part-of=parley"));
                String portName = props.properties().getProperty("parley.scrape.kubernetes.port-name", "http");
                ofKind(objects, "Service").filter(svc -> Objects.selects(sel, Objects.labels(svc.path("metadata").path("labels"))))
                        .forEach(svc -> elements(svc.path("spec").path("ports")).filter(sp -> sp.path("name").asText().equals(portName))
                                .forEach(sp -> serviceEnds(objects, pods, ns, svc, sp)
                                        .forEach(to -> flows.add(new Flow(self, to.end(), "TCP", to.port())))));
                API_PORTS.forEach(port -> flows.add(new Flow(self, End.API_SERVER, "TCP", port)));
            }
        }
        ofKind(objects, "Ingress").forEach(ing -> {
            End controller = INGRESS_CONTROLLERS.get(ing.path("spec").path("ingressClassName").asText());
            if (controller == null) {
                problems.add("Ingress/" + name(ing) + ": unknown ingressClassName " + ing.path("spec").path("ingressClassName"));
                return;
            }
            elements(ing.path("spec").path("rules")).flatMap(r -> elements(r.path("http").path("paths"))).forEach(path -> {
                JsonNode backend = path.path("backend").path("service");
                Objects.find(objects, "Service", backend.path("name").asText()).ifPresent(svc -> elements(svc.path("spec").path("ports"))
                        .filter(sp -> sp.path("name").asText().equals(backend.path("port").path("name").asText())
                                || sp.path("port").asInt() == backend.path("port").path("number").asInt(-1))
                        .forEach(sp -> serviceEnds(objects, pods, ns, svc, sp).forEach(to -> flows.add(new Flow(controller, to.end(), "TCP", to.port())))));
            });
        });
        ofKind(objects, "ServiceMonitor").forEach(sm -> {
            // Prometheus scrapes every pod behind the Services a monitor selects, on each endpoint's port.
            Map<String, String> sel = Objects.labels(sm.path("spec").path("selector").path("matchLabels"));
            ofKind(objects, "Service").filter(svc -> Objects.selects(sel, Objects.labels(svc.path("metadata").path("labels"))))
                    .forEach(svc -> elements(sm.path("spec").path("endpoints")).forEach(ep -> elements(svc.path("spec").path("ports"))
                            .filter(sp -> sp.path("name").asText().equals(ep.path("port").asText()))
                            .forEach(sp -> serviceEnds(objects, pods, ns, svc, sp)
                                    .forEach(to -> flows.add(new Flow(PROMETHEUS, to.end(), "TCP", to.port()))))));
        });
        ofKind(objects, "ScaledObject").forEach(so -> elements(so.path("spec").path("triggers"))
                .filter(t -> t.path("type").asText().equals("kafka"))
                .forEach(t -> {
                    for (String address : t.path("metadata").path("bootstrapServers").asText().split(",")) {
                        Matcher m = ADDRESS.matcher(address.trim());
                        if (m.matches()) {
                            resolve(objects, pods, ns, m.group(1), Integer.parseInt(m.group(2)), problems, "ScaledObject/" + name(so))
                                    .forEach(to -> flows.add(new Flow(KEDA_OPERATOR, to.end(), "TCP", to.port())));
                        }
                    }
                }));
        ofKind(objects, "Kafka").forEach(k -> {
            // Strimzi's own traffic: KRaft quorum (9090) and replication (9091) between the Kafka pods;
            // the cluster operator on both and on the Kafka agent (8443); the topic operator on 9091;
            // both operators on the API server.
            String c = name(k);
            End kafka = new End(ns, c + "-kafka");
            End co = new End(ns, "strimzi-cluster-operator");
            for (int port : List.of(9090, 9091)) {
                flows.add(new Flow(kafka, kafka, "TCP", port));
                flows.add(new Flow(co, kafka, "TCP", port));
            }
            flows.add(new Flow(co, kafka, "TCP", 8443));
            API_PORTS.forEach(port -> flows.add(new Flow(co, End.API_SERVER, "TCP", port)));
            if (k.path("spec").has("entityOperator")) {
                End eo = new End(ns, c + "-entity-operator");
                flows.add(new Flow(eo, kafka, "TCP", 9091));
                API_PORTS.forEach(port -> flows.add(new Flow(eo, End.API_SERVER, "TCP", port)));
            }
        });
        // Only flows with an end in this namespace are its policies' business.
        flows.removeIf(f -> !f.from().namespace().equals(ns) && !f.to().namespace().equals(ns));
        return flows;
    }

    record Target(End end, int port) {
    }

    /** host:port as a pod resolves it from the namespace: a Service here, Strimzi's bootstrap, or another namespace. */
    private static List<Target> resolve(List<JsonNode> objects, List<Pod> pods, String ns, String host, int port, List<String> problems, String what) {
        String h = host.replaceFirst("\\.cluster\\.local$", "").replaceFirst("\\.svc$", "");
        String svcName = h.contains(".") ? h.substring(0, h.indexOf('.')) : h;
        String svcNs = h.contains(".") ? h.substring(h.indexOf('.') + 1) : ns;
        if (svcNs.contains(".")) {
            problems.add(what + ": cannot tell the namespace of " + host);
            return List.of();
        }
        if (!svcNs.equals(ns)) {
            return List.of(new Target(new End(svcNs, "*"), port));
        }
        var svc = Objects.find(objects, "Service", svcName);
        if (svc.isPresent()) {
            List<Target> out = elements(svc.get().path("spec").path("ports")).filter(sp -> sp.path("port").asInt() == port)
                    .flatMap(sp -> serviceEnds(objects, pods, ns, svc.get(), sp).stream()).toList();
            if (out.isEmpty()) {
                problems.add(what + ": Service " + svcName + " has no port " + port);
            }
            return out;
        }
        for (JsonNode k : ofKind(objects, "Kafka").toList()) {
            if (svcName.equals(name(k) + "-kafka-bootstrap")) {
                boolean listener = elements(k.path("spec").path("kafka").path("listeners")).anyMatch(l -> l.path("port").asInt() == port);
                if (!listener) {
                    problems.add(what + ": Kafka " + name(k) + " has no listener on " + port);
                }
                return List.of(new Target(new End(ns, name(k) + "-kafka"), port));
            }
        }
        problems.add(what + ": " + host + " is neither a rendered Service nor a Strimzi bootstrap");
        return List.of();
    }

    /** The pods behind one Service port, each with the container port the Service forwards to. */
    private static List<Target> serviceEnds(List<JsonNode> objects, List<Pod> pods, String ns, JsonNode svc, JsonNode servicePort) {
        Map<String, String> selector = Objects.labels(svc.path("spec").path("selector"));
        JsonNode target = servicePort.path("targetPort");
        List<Target> out = new ArrayList<>();
        Objects.workloads(objects).filter(w -> Objects.selects(selector, Objects.podLabels(w))).forEach(w -> {
            int port = target.isInt() ? target.asInt() : target.isMissingNode() ? servicePort.path("port").asInt()
                    : containers(w).flatMap(c -> elements(c.path("ports"))).filter(cp -> cp.path("name").asText().equals(target.asText()))
                            .mapToInt(cp -> cp.path("containerPort").asInt()).findFirst().orElse(-1);
            out.add(new Target(new End(ns, name(w)), port));
        });
        return out;
    }

    /** ConfigMaps more than one Deployment takes its environment from (parley-infra): everyone gets them, not everyone reads them. */
    static Set<String> sharedConfigMaps(List<JsonNode> objects) {
        Map<String, Integer> uses = new TreeMap<>();
        ofKind(objects, "Deployment").forEach(d -> containers(d).flatMap(c -> elements(c.path("envFrom")))
                .map(ef -> ef.path("configMapRef").path("name").asText()).filter(n -> !n.isEmpty()).distinct()
                .forEach(n -> uses.merge(n, 1, Integer::sum)));
        return uses.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /**
     * The variables a Deployment sets for its service alone (its env entries and its own ConfigMap):
     * written for that service, so read by it, also where Quarkus maps them to a property without a
     * placeholder (PARLEY_WS_ADVERTISED_URL is parley.ws.advertised-url).
     */
    static Set<String> ownVariables(List<JsonNode> objects, JsonNode deployment, Set<String> shared) {
        Set<String> vars = new TreeSet<>();
        containers(deployment).forEach(c -> {
            elements(c.path("env")).forEach(e -> vars.add(e.path("name").asText()));
            elements(c.path("envFrom")).map(ef -> ef.path("configMapRef").path("name").asText())
                    .filter(n -> !n.isEmpty() && !shared.contains(n))
                    .forEach(n -> Objects.find(objects, "ConfigMap", n).ifPresent(cm -> cm.path("data").fieldNames().forEachRemaining(vars::add)));
        });
        return vars;
    }

    /** The PARLEY_* variables of the properties that apply in the cluster: unprofiled and %prod keys. */
    static Set<String> readVariables(ServiceProperties props) {
        Set<String> vars = new TreeSet<>();
        props.properties().forEach((k, v) -> {
            String key = k.toString();
            if (key.startsWith("%") && !key.startsWith("%prod.")) {
                return;
            }
            Matcher m = PARLEY_VAR.matcher(v.toString());
            while (m.find()) {
                vars.add(m.group(1));
            }
        });
        return vars;
    }

    /** $(VAR) references resolved the way the kubelet does, against earlier variables. */
    private static Map<String, String> expand(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>(env);
        for (int round = 0; round < 3; round++) {
            out.replaceAll((k, v) -> {
                Matcher m = VAR_REF.matcher(v);
                StringBuilder b = new StringBuilder();
                while (m.find()) {
                    String r = out.get(m.group(1));
                    m.appendReplacement(b, Matcher.quoteReplacement(r != null && !r.contains("$(") ? r : m.group()));
                }
                m.appendTail(b);
                return b.toString();
            });
        }
        return out;
    }

    private static Map<String, String> parseSelector(String s) {
        Map<String, String> m = new TreeMap<>();
        for (String part : s.split(",")) {
            String[] kv = part.trim().split("=", 2);
            m.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return m;
    }
}
