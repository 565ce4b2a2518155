package dev.parley.metrics.collector;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.devinfra.test.KafkaTestResource;
import dev.parley.devinfra.test.PostgresTestResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Discovery from the Kubernetes API (fabric8's API server in CRUD mode: objects are created, listed
 * and watched as on a cluster): the ready endpoints of labelled Services are scraped one by one and
 * merged into one series per service; unlabelled Services, Services without an "http" port and
 * endpoints that are not ready are left out; a pod that restarts or goes away is no reset of the
 * service.
 */
@QuarkusTest
@TestProfile(KubernetesDiscoveryTest.Discovery.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = PostgresTestResource.class, restrictToAnnotatedClass = true)
class KubernetesDiscoveryTest {

    static final String NS = "parley";

    /** Discovery on, in namespace "parley"; one RED window over the whole test. */
    public static class Discovery implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("parley.scrape.kubernetes.enabled", "true",
                    "parley.scrape.kubernetes.namespace", NS,
                    "parley.scrape.red-window", "1h");
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    ScrapeLoop loop;

    @Inject
    TargetSource targets;

    private final FakeFleet podA = new FakeFleet();
    private final FakeFleet podB = new FakeFleet();

    @AfterEach
    void close() {
        podA.close();
        podB.close();
    }

    @Test
    void everyReadyPodOfALabelledServiceIsScrapedAndMergedIntoItsService() throws Exception {
        KubernetesClient k8s = server.getClient();
        FakeFleet.Counters a = podA.service("q");
        FakeFleet.Counters b = podB.service("q");
        service(k8s, "gateway", true);
        service(k8s, "parley-redis", true);
        service(k8s, "unlabelled", false);
        k8s.resource(slice("gateway-1", "gateway", "http", port(podA), "gateway-a", true)).create();
        k8s.resource(slice("gateway-2", "gateway", "http", port(podB), "gateway-b", true)).create();
        k8s.resource(slice("gateway-3", "gateway", "http", 9, "gateway-starting", false)).create();
        k8s.resource(slice("parley-redis-1", "parley-redis", "redis", 6379, "parley-redis-0", true)).create();
        k8s.resource(slice("unlabelled-1", "unlabelled", "http", 9, "other", true)).create();

        awaitTargets(List.of("gateway/gateway-a", "gateway/gateway-b"));

        scrape();
        a.ok.addAndGet(100);
        b.ok.addAndGet(300);
        scrape();
        assertEquals(400, requestsInWindow(), 1e-3, "both pods' requests, summed");
        given().when().get("/api/services/gateway").then().statusCode(200)
                .body("target", equalTo("2 instances"))
                .body("reachable", equalTo(true));

        // Pod b restarts (its counter starts again from 0, now at 50): 50 more, not −250.
        b.ok.set(50);
        scrape();
        assertEquals(450, requestsInWindow(), 1e-3, "a restarted pod adds what it served since");

        // Pod b goes away: pod a alone carries on, the service's series does not drop.
        k8s.resource(k8s.discovery().v1().endpointSlices().inNamespace(NS).withName("gateway-2").get()).delete();
        awaitTargets(List.of("gateway/gateway-a"));
        a.ok.addAndGet(10);
        scrape();
        assertEquals(460, requestsInWindow(), 1e-3);
    }

    private static void service(KubernetesClient k8s, String name, boolean labelled) {
        k8s.resource(new ServiceBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(labelled ? Map.of("app.kubernetes.io/part-of", "parley") : Map.of("team", "other")).endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
    }

    private static EndpointSlice slice(String name, String service, String portName, int port, String pod, boolean ready) {
        return new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(Map.of(KubernetesTargets.SERVICE_NAME_LABEL, service)).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(ready).endConditions()
                .withNewTargetRef().withKind("Pod").withName(pod).withNamespace(NS).endTargetRef().endEndpoint()
                .build();
    }

    private static int port(FakeFleet fleet) {
        return URI.create(fleet.baseUrl("q")).getPort();
    }

    private void awaitTargets(List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> seen = List.of();
        while (System.nanoTime() < deadline) {
            seen = targets.targets().stream().map(t -> t.service() + "/" + t.instance()).toList();
            if (seen.equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        assertEquals(expected, seen, "discovered targets");
    }

    private void scrape() throws InterruptedException {
        loop.scrapeAll().await().atMost(Duration.ofSeconds(10));
        Thread.sleep(20);
    }

    /** requests/s × window = the requests counted since the first scrape. */
    private double requestsInWindow() {
        var body = given().when().get("/api/services/gateway").then().statusCode(200).extract().jsonPath();
        return body.getDouble("requestsPerSecond") * body.getDouble("windowSeconds");
    }
}
