package dev.parley.ws.ws;

import dev.parley.platform.auth.Credentials;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.ws.service.PodLifecycle;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Authenticates the WebSocket handshake before it is upgraded: a missing, expired or forged token
 * is refused with 401 (and a draining pod with 503), so no connection exists without a user. A
 * user who already holds {@code sockets-per-user} connections on this pod is refused with 429.
 * Browsers cannot set headers on a WebSocket, so the token may come as {@code ?token=}.
 */
@ApplicationScoped
public class TokenUpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<String> USER = UserData.TypedKey.forString("parley.user");
    static final UserData.TypedKey<String> DEVICE = UserData.TypedKey.forString("parley.device");
    /** Header naming why an upgrade was refused when no WWW-Authenticate applies. */
    static final String REASON = "X-Parley-Refusal";
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final TokenCodec tokens;
    private final PodLifecycle lifecycle;
    private final ConnectionRegistry connections;

    public TokenUpgradeCheck(TokenCodec tokens, PodLifecycle lifecycle, ConnectionRegistry connections) {
        this.tokens = tokens;
        this.lifecycle = lifecycle;
        this.connections = connections;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (lifecycle.isDraining()) {
            return CheckResult.rejectUpgrade(503);
        }
        var request = context.httpRequest();
        String token = Credentials.token(request.getParam("token"), request.getHeader("Authorization"));
        String device = request.getParam("device");
        if (device != null && !DEVICE_ID.matcher(device).matches()) {
            return reject(400, "invalid_request", "device must be 1-64 characters of [A-Za-z0-9._-]");
        }
        try {
            var verified = tokens.verify(token);
            if (!connections.mayConnect(verified.userId())) {
                // One user's sockets all land here (the ring): the cap bounds what one account holds.
                return CheckResult.rejectUpgrade(429, Map.of("Retry-After", List.of("10"),
                        REASON, List.of("too_many_connections")));
            }
            context.userData().put(USER, verified.userId());
            context.userData().put(DEVICE, device != null ? device : UUID.randomUUID().toString());
            return CheckResult.permitUpgrade();
        } catch (TokenCodec.InvalidTokenException e) {
            return reject(401, "invalid_token", e.getMessage());
        }
    }

    private static Uni<CheckResult> reject(int status, String error, String description) {
        return CheckResult.rejectUpgrade(status, Map.of("WWW-Authenticate",
                List.of("Bearer error=\"" + error + "\", error_description=\"" + description + "\"")));
    }
}
