package dev.parley.seat.api;

import dev.parley.contracts.json.Json;
import dev.parley.seat.service.Idempotency;
import dev.parley.seat.service.Problems;
import dev.parley.seat.service.RateLimiter;
import dev.parley.seat.service.SeatException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/** What every endpoint shares: the caller, rate limit, idempotency, JSON in, JSON or problem out. */
@Singleton
public class Api {

    private static final Logger LOG = Logger.getLogger(Api.class);

    private final RateLimiter limiter;
    private final Idempotency idempotency;

    public Api(RateLimiter limiter, Idempotency idempotency) {
        this.limiter = limiter;
        this.idempotency = idempotency;
    }

    /** Why a verified credential's user id cannot be served (stored, keyed in Redis), or null. */
    public static String invalidUser(String user) {
        if (user.isBlank() || user.length() > 128 || user.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
            return "malformed user id in the credential";
        }
        return null;
    }

    public static UUID id(String raw, String what) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw SeatException.notFound("no " + what + " " + raw);
        }
    }

    /** A read for the authenticated caller ({@link CallerAuthentication}), answered as JSON. */
    public Uni<Response> read(RoutingContext rc, java.util.function.Function<String, Uni<?>> action) {
        return Uni.createFrom().deferred(() -> action.apply(CallerAuthentication.user(rc)))
                .map(v -> Response.ok(Json.write(v), MediaType.APPLICATION_JSON).build())
                .onFailure().recoverWithItem(Api::problem);
    }

    /**
     * A change for the authenticated caller, rate-limited, idempotent under {@code Idempotency-Key}. The
     * fingerprint covers method, path and body, so a key reused for another request gets a 422.
     */
    public Uni<Response> mutate(RoutingContext rc, String key, String method, String path, String body,
                                int okStatus, java.util.function.Function<String, Uni<?>> action) {
        return Uni.createFrom().deferred(() -> {
                    String user = CallerAuthentication.user(rc);
                    Supplier<Uni<Idempotency.Answer>> run = () -> Uni.createFrom().deferred(() -> action.apply(user))
                            .map(v -> new Idempotency.Answer(v instanceof Status s ? s.status() : okStatus,
                                    Json.write(v instanceof Status s ? s.body() : v), false));
                    return limiter.take(user)
                            .chain(() -> idempotency.run(user, key, method + " " + path + "\n" + (body == null ? "" : body.strip()), run));
                })
                .map(a -> {
                    if (a.status() < 0) {
                        return Response.status(-a.status()).type(Problems.MEDIA_TYPE).entity(a.body())
                                .header("Idempotent-Replayed", "true").build();
                    }
                    Response.ResponseBuilder r = Response.status(a.status()).type(MediaType.APPLICATION_JSON).entity(a.body());
                    return a.replayed() ? r.header("Idempotent-Replayed", "true").build() : r.build();
                })
                .onFailure().recoverWithItem(Api::problem);
    }

    /** A result whose status is not the endpoint's usual one (202 for a queued hold). */
    public record Status(int status, Object body) {
    }

    public static Response problem(Throwable t) {
        SeatException e = t instanceof SeatException se ? se : null;
        if (e == null && t.getClass().getSimpleName().contains("TooBusy")) {
            // A bounded pool is full: shed the request rather than queue it without limit.
            e = new SeatException(503, "overloaded", "Overloaded", "the service is at capacity; retry shortly", Map.of("retryAfterMs", 1000L));
        }
        if (e == null) {
            LOG.error("unexpected failure", t);
            e = new SeatException(500, "internal", "Internal error", "the request failed; nothing was changed that was acknowledged");
        }
        Response.ResponseBuilder r = Response.status(e.status()).type(Problems.MEDIA_TYPE).entity(Problems.body(e));
        if (e.status() == 429 || e.status() == 503) {
            Object wait = e.extras().getOrDefault("retryAfterMs", 1000L);
            long seconds = Math.max(1, (long) Math.ceil(((Number) wait).longValue() / 1000.0));
            r.header("Retry-After", String.valueOf(seconds));
        }
        return r.build();
    }

    public static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
