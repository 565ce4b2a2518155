package dev.parley.gateway.api;

import dev.parley.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * The first handlers every HTTP request meets: a request id (the caller's if sane, else a fresh
 * one) in the response, the log MDC and the routing context; and bounded concurrency on /api —
 * when this JVM already handles its limit, the request is shed with 503 at once instead of
 * queueing behind the others.
 */
@ApplicationScoped
public class HttpEdge {

    public static final String REQUEST_ID = "X-Request-Id";
    /** Routing-context key of the request id. */
    public static final String REQUEST_ID_KEY = "parley.requestId";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Semaphore inFlight;
    private final Counter shed;

    public HttpEdge(GatewayConfig config, MeterRegistry registry) {
        this.inFlight = new Semaphore(config.maxConcurrentRequests());
        this.shed = Counter.builder("parley.gateway.shed").description("API requests refused with 503 because the gateway was at its concurrency limit")
                .register(registry);
    }

    void install(@Observes Router router) {
        router.route().order(-1002).handler(this::assignRequestId); // before CanonicalPath (-1001), whose 404 carries it
        // Order -999 is the relays' (long-lived streams do not hold a request permit).
        router.route("/api/*").order(-998).handler(this::bounded);
    }

    public static String requestId(RoutingContext rc) {
        return rc.get(REQUEST_ID_KEY);
    }

    private void assignRequestId(RoutingContext rc) {
        String given = rc.request().getHeader(REQUEST_ID);
        String id = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        rc.put(REQUEST_ID_KEY, id);
        rc.response().putHeader(REQUEST_ID, id);
        MDC.put("requestId", id);
        rc.next();
    }

    private void bounded(RoutingContext rc) {
        if (!inFlight.tryAcquire()) {
            shed.increment();
            problem(rc, 503, "Service Unavailable", "the gateway is at its concurrency limit; retry shortly", 1);
            return;
        }
        rc.addEndHandler(done -> inFlight.release());
        rc.next();
    }

    /** Answers a problem+json error outside RESTEasy (edge handlers, relays); retryAfter 0 = none. */
    public static void problem(RoutingContext rc, int status, String title, String detail, long retryAfterSeconds) {
        if (rc.response().headWritten()) {
            rc.response().close();
            return;
        }
        rc.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (retryAfterSeconds > 0) {
            rc.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds));
        }
        rc.response().end(Json.encode(new Problem("about:blank", title, status, detail, requestId(rc))));
    }

    /** Permits currently free (for tests and the health check). */
    public int availablePermits() {
        return inFlight.availablePermits();
    }
}
