package dev.parley.metrics.collector;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The fleet as Kubernetes sees it: the Services matching a label selector, and for each the ready
 * endpoints of its EndpointSlices on the port of the given name — every pod scraped on its own,
 * not the Service's virtual IP (which would give a different pod each time). Two informers keep a
 * watched cache of both, so reading the targets is a memory lookup, never an API call per scrape.
 * Services without such a port (Redis, PostgreSQL) are not scrape targets.
 */
public final class KubernetesTargets implements TargetSource, AutoCloseable {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final String portName;
    private final List<String> expected;

    public KubernetesTargets(KubernetesClient client, String namespace, Map<String, String> selector, String portName,
                             List<String> expected) {
        this.portName = portName;
        this.expected = expected;
        this.services = client.services().inNamespace(namespace).withLabels(selector).inform();
        this.slices = client.discovery().v1().endpointSlices().inNamespace(namespace).withLabel(SERVICE_NAME_LABEL).inform();
    }

    @Override
    public List<ScrapeTarget> targets() {
        List<ScrapeTarget> out = new ArrayList<>();
        List<String> names = services.getStore().list().stream().map(s -> s.getMetadata().getName()).sorted().toList();
        for (EndpointSlice slice : slices.getStore().list()) {
            String service = slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
            Integer port = port(slice);
            if (!names.contains(service) || port == null || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint e : slice.getEndpoints()) {
                if (!ready(e) || e.getAddresses() == null || e.getAddresses().isEmpty()) {
                    continue;
                }
                String address = e.getAddresses().get(0);
                String host = address.contains(":") ? "[" + address + "]" : address;
                String instance = e.getTargetRef() != null && e.getTargetRef().getName() != null ? e.getTargetRef().getName() : address;
                out.add(new ScrapeTarget(service, instance, "http://" + host + ":" + port));
            }
        }
        out.sort(Comparator.comparing(ScrapeTarget::service).thenComparing(ScrapeTarget::instance));
        return out;
    }

    @Override
    public List<String> expectedServices() {
        return expected;
    }

    private Integer port(EndpointSlice slice) {
        if (slice.getPorts() == null) {
            return null;
        }
        return slice.getPorts().stream().filter(p -> portName.equals(p.getName())).map(EndpointPort::getPort).findFirst().orElse(null);
    }

    /** Ready unless the slice says otherwise (an absent condition means ready, per the API). */
    private static boolean ready(Endpoint e) {
        return e.getConditions() == null || e.getConditions().getReady() == null || e.getConditions().getReady();
    }

    @Override
    public void close() {
        services.close();
        slices.close();
    }
}
