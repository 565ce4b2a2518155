package dev.parley.gateway.service;

import dev.parley.gateway.config.GatewayConfig;
import dev.parley.gateway.ratelimit.RateDecision;
import dev.parley.gateway.ratelimit.RedisRateLimiter;
import dev.parley.platform.auth.TokenCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Who may come in, for the REST API and the relays alike: the per-IP bucket first (so token
 * guessing is limited too), then the token, then the per-user bucket. Redis unreachable fails open
 * — the in-JVM concurrency limits still protect the gateway — rather than turning a limiter outage
 * into a full outage.
 */
@ApplicationScoped
public class EdgeAdmission {

    private static final Logger LOG = Logger.getLogger(EdgeAdmission.class);

    /** Admitted (caller set, refusal null) or refused; decision = the most constraining bucket seen. */
    public record Outcome(Caller caller, RateDecision decision, Refusal refusal) {
    }

    /** 401 (bad token) or 429 (a bucket is empty; retryAfterSeconds set). */
    public record Refusal(int status, String detail, long retryAfterSeconds) {
    }

    private final TokenCodec tokens;
    private final RedisRateLimiter limiter;
    private final GatewayConfig config;

    public EdgeAdmission(TokenCodec tokens, RedisRateLimiter limiter, GatewayConfig config) {
        this.tokens = tokens;
        this.limiter = limiter;
        this.config = config;
    }

    /** Only the per-IP bucket: for calls that need no token (login). */
    public Uni<Outcome> anonymous(String ip, String requestId) {
        return limit("ip", ip, config.rateLimit().ip()).map(d -> outcome("ip", d, null, null));
    }

    public Uni<Outcome> admit(String ip, String token, String requestId) {
        return limit("ip", ip, config.rateLimit().ip()).chain(ipDecision -> {
            if (ipDecision != null && !ipDecision.allowed()) {
                return Uni.createFrom().item(outcome("ip", ipDecision, null, null));
            }
            TokenCodec.VerifiedToken verified;
            try {
                verified = tokens.verify(token);
            } catch (TokenCodec.InvalidTokenException e) {
                return Uni.createFrom().item(new Outcome(null, ipDecision, new Refusal(401, e.getMessage(), 0)));
            }
            Caller caller = new Caller(verified.userId(), verified.roles(), requestId);
            return limit("user", verified.userId(), config.rateLimit().user()).map(d -> outcome("user", d, caller, ipDecision));
        });
    }

    private static Outcome outcome(String scope, RateDecision d, Caller caller, RateDecision earlier) {
        if (d != null && !d.allowed()) {
            return new Outcome(null, d, new Refusal(429,
                    "rate limit (" + scope + ") exceeded; retry after " + d.retryAfterSeconds() + " s", d.retryAfterSeconds()));
        }
        RateDecision tightest = earlier == null || (d != null && d.remaining() <= earlier.remaining()) ? d : earlier;
        return new Outcome(caller, tightest, null);
    }

    /** The bucket's decision, or null when limits are off or Redis could not be asked. */
    private Uni<RateDecision> limit(String scope, String subject, GatewayConfig.Bucket bucket) {
        if (!config.rateLimit().enabled()) {
            return Uni.createFrom().nullItem();
        }
        return limiter.acquire(scope, subject, bucket)
                .onFailure().recoverWithItem(f -> {
                    LOG.warnf("rate limiter unavailable, request allowed: %s", f.toString());
                    return null;
                });
    }
}
