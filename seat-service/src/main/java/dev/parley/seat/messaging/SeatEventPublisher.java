package dev.parley.seat.messaging;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.json.Json;
import dev.parley.seat.config.SeatConfig;
import dev.parley.seat.service.LuaScripts;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Every cohort event goes to three places in one step each: the cohort's event log in Redis (a
 * stream, whose ids are the SSE {@code id:}s for resume), the Redis pub/sub channel every replica
 * listens on (fan-out to live subscribers wherever they are connected), and Kafka (analytics,
 * keyed by cohort). The first two are one Lua call, so a published event is always resumable.
 */
@Singleton
public class SeatEventPublisher {

    private static final Logger LOG = Logger.getLogger(SeatEventPublisher.class);

    private final LuaScripts scripts;
    private final RedisKeys keys;
    private final SeatConfig config;
    private final MutinyEmitter<String> kafka;

    public SeatEventPublisher(LuaScripts scripts, RedisKeys keys, SeatConfig config,
                              @Channel("seat-events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                              MutinyEmitter<String> kafka) {
        this.scripts = scripts;
        this.keys = keys;
        this.config = config;
        this.kafka = kafka;
    }

    /** The pub/sub channel carrying every cohort's events: "cohortId\nstreamId\njson". */
    public String channel() {
        return keys.prefix() + "seat:live";
    }

    public String logKey(String cohortId) {
        return keys.cohort(cohortId, "log");
    }

    /** Publishes; completes when Redis has the event (Kafka is sent without waiting). */
    public Uni<String> publish(SeatEvent event) {
        String json = Json.write(event);
        Uni<String> live = scripts.run(LuaScripts.Script.EMIT, List.of(logKey(event.cohortId())),
                        List.of(channel(), event.cohortId(), json, String.valueOf(config.live().logLength())))
                .map(r -> r.toString());
        try {
            kafka.sendMessageAndForget(Message.of(json).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withKey(event.cohortId()).build()));
        } catch (RuntimeException e) {
            // Buffer full or channel down: live push and PostgreSQL still have the fact.
            LOG.warnf("seat event not sent to Kafka: %s", e.getMessage());
        }
        return live;
    }

    /** Fire and forget, for callers that answered already; failures are logged. */
    public void publishQuietly(SeatEvent event) {
        publish(event).subscribe().with(id -> { }, e -> LOG.warnf("seat event %s not published: %s", event.type(), e.getMessage()));
    }
}
