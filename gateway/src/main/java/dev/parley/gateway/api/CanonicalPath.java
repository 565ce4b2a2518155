package dev.parley.gateway.api;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The first handler of every request: only a path in its one canonical spelling gets any further.
 *
 * <p>The edge (the /api guard, the concurrency bound, the relays) matches on the path as it is
 * spelt, while RESTEasy serves a request after stripping matrix parameters and decoding it: so
 * {@code /api;x/auth/dev-login} reached the login without the per-IP bucket and the concurrency
 * limit, and {@code /api;x/conversations} reached a resource with no caller (500). No Parley route
 * uses matrix parameters, encoded separators or dot segments, so every spelling that the guard and
 * the router could read differently is refused with 404 before either sees it: a {@code ;}, a
 * backslash, an empty segment ({@code //}), a {@code .} or {@code ..} segment, and the
 * percent-encoded forms of {@code / \ . ;} and of NUL.
 */
@ApplicationScoped
public class CanonicalPath {

    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%(2f|5c|2e|3b|00)");
    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)\\.{1,2}(/|$)");

    void install(@Observes Router router) {
        router.route().order(-1001).handler(this::check);
    }

    private void check(RoutingContext rc) {
        if (canonical(rc.request().path())) {
            rc.next();
        } else {
            HttpEdge.problem(rc, 404, "Not Found", "no such resource", 0);
        }
    }

    /** {@code raw}: the path as the client sent it, undecoded, without the query. */
    static boolean canonical(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return false;
        }
        if (raw.indexOf(';') >= 0 || raw.indexOf('\\') >= 0 || raw.contains("//")) {
            return false;
        }
        return !ENCODED_SEPARATOR.matcher(raw.toLowerCase(Locale.ROOT)).find() && !DOT_SEGMENT.matcher(raw).find();
    }
}
