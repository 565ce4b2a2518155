package dev.parley.gateway.service;

import dev.parley.gateway.client.DownstreamResponse;
import dev.parley.gateway.client.PersistenceClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The chat facade: reads are coalesced per (user, resource) — the answer depends on the user's
 * membership, so two users never share one — and go through the fault-tolerant client.
 */
@ApplicationScoped
public class ChatService {

    private final PersistenceClient persistence;
    private final Singleflight<String, DownstreamResponse> reads;

    public ChatService(PersistenceClient persistence, MeterRegistry registry) {
        this.persistence = persistence;
        this.reads = new Singleflight<>(Counter.builder("parley.gateway.singleflight.merged")
                .description("Reads answered by joining an identical call already in flight")
                .register(registry));
    }

    public Uni<DownstreamResponse> read(Caller caller, String pathAndQuery) {
        return reads.run(caller.userId() + " " + pathAndQuery, () -> persistence.get(caller, pathAndQuery));
    }

    public Uni<DownstreamResponse> create(Caller caller, byte[] json) {
        return persistence.post(caller, "/conversations", json);
    }
}
