package dev.parley.ws.messaging;

import dev.parley.contracts.RedisKeys;
import dev.parley.contracts.chat.frames.ServerFrame;
import dev.parley.contracts.json.Json;
import dev.parley.ws.config.PodIdentity;
import dev.parley.ws.config.WsConfig;
import dev.parley.ws.ws.ClientSession;
import dev.parley.ws.ws.ConnectionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands.ReactiveRedisSubscriber;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Keeps this pod subscribed to its delivery channel, whatever happens to Redis.
 *
 * <p>A pub/sub subscription does not survive its connection: when Redis restarts, the client's
 * subscription ends without a failure reaching the subscriber, and the pod would stay deaf to every
 * delivery until it restarts. So the subscription is not trusted to report its own death: every
 * {@code channel-check-interval} a watchdog asks Redis how many subscribers the pod's channel has
 * ({@code PUBSUB NUMSUB}; the channel is this pod's alone), and subscribes again when it is none.
 *
 * <p>Events published while the pod was not subscribed are gone (pub/sub is at-most-once), so once
 * subscribed again the pod tells every client it holds to {@code sync}: the frame
 * {@code sync_needed} (docs/protocol.md). Whatever a client missed it gets from the hot window or
 * the history API, as after a reconnect — without the reconnect.
 */
@Singleton
public class PodChannelSubscription {

    private static final Logger LOG = Logger.getLogger(PodChannelSubscription.class);

    private final ReactiveRedisDataSource redis;
    private final String channel;
    private final PodChannelListener listener;
    private final ConnectionRegistry connections;
    private final Duration checkInterval;
    private final Counter resubscribes;
    private final Counter syncNotices;
    /** The live subscription, or null while the pod is not subscribed. */
    private volatile ReactiveRedisSubscriber subscriber;
    /** Set when events may have been missed since the last subscription; cleared by the notice to clients. */
    private final AtomicBoolean missed = new AtomicBoolean();
    /** Which subscription is current: a late end signal of an earlier one must not unset a newer one. */
    private final AtomicInteger generation = new AtomicInteger();
    private Cancellable watchdog;

    public PodChannelSubscription(ReactiveRedisDataSource redis, RedisKeys keys, PodIdentity pod,
            PodChannelListener listener, ConnectionRegistry connections, WsConfig config, MeterRegistry metrics) {
        this.redis = redis;
        this.channel = keys.podChannel(pod.podId());
        this.listener = listener;
        this.connections = connections;
        this.checkInterval = config.channelCheckInterval();
        this.resubscribes = Counter.builder("parley.ws.pod.channel.resubscribes")
                .description("subscriptions to the pod channel made again after it was lost").register(metrics);
        this.syncNotices = Counter.builder("parley.ws.pod.channel.sync.notices")
                .description("sync_needed frames sent to clients after the pod channel was lost").register(metrics);
        Gauge.builder("parley.ws.pod.channel.subscribed", this, s -> s.subscriber == null ? 0 : 1)
                .description("1 while the pod is subscribed to its delivery channel").register(metrics);
    }

    void start(@Observes StartupEvent event) {
        // a failed first subscription is no different from a lost one: the next check makes it
        check().subscribe().with(ignored -> { });
        watchdog = Multi.createFrom().ticks().startingAfter(checkInterval).every(checkInterval)
                .onOverflow().drop()
                .onItem().transformToUniAndConcatenate(tick -> check())
                .subscribe().with(ignored -> { }, e -> LOG.errorf(e, "pod channel watchdog ended"));
    }

    void stop(@Observes ShutdownEvent event) {
        if (watchdog != null) {
            watchdog.cancel();
        }
        ReactiveRedisSubscriber current = subscriber;
        if (current != null) {
            current.unsubscribe().subscribe().with(ignored -> { }, ignored -> { });
        }
    }

    /** True while the pod holds a subscription Redis still counts (as of the last check). */
    public boolean subscribed() {
        return subscriber != null;
    }

    /** Never fails: a failed check is tried again at the next tick. */
    Uni<Void> check() {
        Uni<Void> step = subscriber == null ? subscribe() : redis.execute("PUBSUB", "NUMSUB", channel)
                .onItem().transformToUni(reply -> reply.get(1).toLong() > 0 ? Uni.createFrom().voidItem() : lost("Redis counts no subscriber"));
        return step.onFailure().recoverWithUni(e -> {
            // Redis unreachable: whatever it publishes meanwhile this pod may miss
            missed.set(true);
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Void> lost(String why) {
        LOG.warnf("pod channel %s lost (%s); subscribing again", channel, why);
        missed.set(true);
        ReactiveRedisSubscriber old = subscriber;
        subscriber = null;
        generation.incrementAndGet(); // the old subscription's end signal is no news any more
        if (old != null) {
            // its connection is most likely gone already; nothing to wait for
            old.unsubscribe().subscribe().with(ignored -> { }, ignored -> { });
        }
        resubscribes.increment();
        return subscribe();
    }

    private Uni<Void> subscribe() {
        int mine = generation.incrementAndGet();
        return redis.pubsub(String.class)
                .subscribe(channel, listener::onEvent, () -> markEnded(mine, "ended"), e -> markEnded(mine, e.getMessage()))
                .onItem().invoke(s -> {
                    if (generation.get() != mine) {
                        s.unsubscribe().subscribe().with(ignored -> { }, ignored -> { }); // superseded meanwhile
                        return;
                    }
                    subscriber = s;
                    LOG.infof("pod channel %s subscribed", channel);
                    if (missed.getAndSet(false)) {
                        tellClientsToSync();
                    }
                })
                .replaceWithVoid();
    }

    /** The client noticed the end itself: the next check subscribes again at once. */
    private void markEnded(int which, String why) {
        if (generation.get() != which) {
            return;
        }
        LOG.warnf("pod channel %s subscription ended: %s", channel, why);
        missed.set(true);
        subscriber = null;
    }

    private void tellClientsToSync() {
        String frame = Json.write(ServerFrame.syncNeeded("pod_channel_lost"));
        int told = 0;
        for (ClientSession session : connections.all()) {
            session.pushRaw(frame);
            told++;
        }
        syncNotices.increment(told);
        LOG.infof("told %d clients to sync after the pod channel was lost", told);
    }
}
