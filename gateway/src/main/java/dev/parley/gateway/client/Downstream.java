package dev.parley.gateway.client;

import dev.parley.gateway.api.HttpEdge;
import dev.parley.gateway.service.Caller;
import dev.parley.platform.auth.InternalTokens;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.net.URI;

/**
 * One downstream service's base URL and the way every call to it is made: requests built from
 * scratch (never with client headers: the verified user goes as an internal token for this service
 * only, with the request id), and a 5xx turned into {@link DownstreamUnavailableException} so
 * retries and breakers see it; 4xx answers pass through untouched.
 */
public final class Downstream {

    private final String name;
    private final WebClient client;
    private final URI base;
    private final InternalTokens credentials;

    /** {@code name} is the service's name, which its internal tokens carry as their audience. */
    public Downstream(String name, WebClient client, String baseUrl, InternalTokens credentials) {
        this.name = name;
        this.client = client;
        this.base = URI.create(baseUrl);
        this.credentials = credentials;
    }

    public HttpRequest<Buffer> request(Caller caller, HttpMethod method, String pathAndQuery) {
        return client.request(method, port(), base.getHost(), prefix() + pathAndQuery)
                .ssl(secure())
                .putHeader("Authorization", authorization(caller))
                .putHeader(HttpEdge.REQUEST_ID, caller.requestId())
                .putHeader("Accept", "application/json, application/problem+json");
    }

    public Uni<DownstreamResponse> send(Uni<HttpResponse<Buffer>> call) {
        return call.map(r -> {
            if (r.statusCode() >= 500) {
                throw new DownstreamUnavailableException(r.statusCode(), name + " answered " + r.statusCode());
            }
            Buffer body = r.body();
            return new DownstreamResponse(r.statusCode(), r.getHeader("Content-Type"), body == null ? new byte[0] : body.getBytes(),
                    r.getHeader("Retry-After"));
        });
    }

    /** The credential of a call to this service for the caller (the relays set it themselves). */
    public String authorization(Caller caller) {
        return credentials.authorization(name, caller.userId(), caller.roles());
    }

    public String host() {
        return base.getHost();
    }

    public int port() {
        return base.getPort() > 0 ? base.getPort() : (secure() ? 443 : 80);
    }

    public boolean secure() {
        return "https".equals(base.getScheme()) || "wss".equals(base.getScheme());
    }

    /** The base URL's path without a trailing slash ("" for none). */
    public String prefix() {
        return base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/$", "");
    }
}
