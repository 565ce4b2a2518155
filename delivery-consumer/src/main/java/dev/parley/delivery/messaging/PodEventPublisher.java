package dev.parley.delivery.messaging;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.PodEvent;
import dev.parley.contracts.json.Json;
import dev.parley.delivery.repository.RedisPipeline;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** PUBLISHes {@link PodEvent}s on ws-service pods' channels {@code deliver:<pod>}. */
@ApplicationScoped
public class PodEventPublisher {

    private final RedisPipeline pipeline;
    private final RedisKeys keys;

    public PodEventPublisher(RedisPipeline pipeline, RedisKeys keys) {
        this.pipeline = pipeline;
        this.keys = keys;
    }

    /** One pod's event. */
    public record Addressed(String podId, PodEvent event) {
    }

    /** Publishes in list order, in one pipeline: each pod channel receives its events in that order. */
    public Uni<Void> publishAll(List<Addressed> events) {
        List<Request> publishes = new ArrayList<>(events.size());
        for (Addressed e : events) {
            publishes.add(Request.cmd(Command.PUBLISH).arg(keys.podChannel(e.podId())).arg(Json.write(e.event())));
        }
        return pipeline.run(publishes).replaceWithVoid();
    }
}
