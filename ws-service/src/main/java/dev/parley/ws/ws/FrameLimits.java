package dev.parley.ws.ws;

import dev.parley.ws.config.WsConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets that bound how fast clients may send frames: one per connection, one per user
 * across that user's connections on this pod, and one of "strikes" per connection that decides
 * when a client that keeps sending over its limit is cut off. In-memory and per pod on purpose: a
 * user's sockets all land on one pod (the gateway's ring), and a frame check must not cost a Redis
 * round trip. Buckets are bucket4j's lock-free local buckets (a user's connections may be served
 * by different event loops).
 */
@Singleton
public class FrameLimits {

    /** What happens to one frame. */
    public record Verdict(boolean allowed, long retryAfterMs, boolean close) {
        static final Verdict ALLOWED = new Verdict(true, 0, false);
        static final Verdict CLOSE = new Verdict(false, 0, true);
    }

    /** The buckets of one connection; {@code user} is shared by all connections of its user. */
    public record Buckets(Bucket frames, Bucket strikes, Bucket user) {
    }

    private final WsConfig.Limits config;
    private final Counter refusedByConnection;
    private final Counter refusedByUser;

    public FrameLimits(WsConfig config, MeterRegistry metrics) {
        this.config = config.limits();
        this.refusedByConnection = Counter.builder("parley.ws.frames.rate.limited").tag("scope", "connection")
                .description("frames refused because their connection sent too fast").register(metrics);
        this.refusedByUser = Counter.builder("parley.ws.frames.rate.limited").tag("scope", "user")
                .description("frames refused because their user's connections together sent too fast").register(metrics);
    }

    Bucket userBucket() {
        return bucket(config.userFrameBurst(), config.userFrameRate());
    }

    Buckets connectionBuckets(Bucket user) {
        // Strikes are forgiven at the connection's own rate: a client twice over its limit is
        // refused for as long as it keeps it up, one five times over runs out within seconds.
        return new Buckets(bucket(config.frameBurst(), config.frameRate()),
                bucket(config.floodTolerance(), config.frameRate()), user);
    }

    int socketsPerUser() {
        return config.socketsPerUser();
    }

    /** Takes a token for one frame of this connection; never blocks. */
    Verdict admit(Buckets buckets) {
        ConsumptionProbe own = buckets.frames().tryConsumeAndReturnRemaining(1);
        if (!own.isConsumed()) {
            refusedByConnection.increment();
            return refused(buckets, own.getNanosToWaitForRefill());
        }
        ConsumptionProbe shared = buckets.user().tryConsumeAndReturnRemaining(1);
        if (!shared.isConsumed()) {
            // the frame is not processed: its connection keeps the token for a later one
            buckets.frames().addTokens(1);
            refusedByUser.increment();
            return refused(buckets, shared.getNanosToWaitForRefill());
        }
        return Verdict.ALLOWED;
    }

    private static Verdict refused(Buckets buckets, long waitNanos) {
        if (!buckets.strikes().tryConsume(1)) {
            return Verdict.CLOSE;
        }
        return new Verdict(false, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)), false);
    }

    private static Bucket bucket(int capacity, int perSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }
}
