package dev.parley.seat.ws;

import dev.parley.platform.auth.InternalTokens;
import dev.parley.platform.auth.TokenCodec;
import dev.parley.seat.api.Api;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The live WebSocket's handshake carries the gateway's internal token for seat-service, as every
 * REST call does; without one the upgrade is refused with 401, so no socket exists for a caller
 * nobody verified.
 */
@ApplicationScoped
public class CallerUpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<String> USER = UserData.TypedKey.forString("parley.user");

    private final InternalTokens tokens;
    private final String service;

    public CallerUpgradeCheck(InternalTokens tokens, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.tokens = tokens;
        this.service = service;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        try {
            TokenCodec.VerifiedToken caller = tokens.verify(service, context.httpRequest().getHeader("Authorization"));
            String invalid = Api.invalidUser(caller.userId());
            if (invalid != null) {
                return reject(invalid);
            }
            context.userData().put(USER, caller.userId());
            return CheckResult.permitUpgrade();
        } catch (TokenCodec.InvalidTokenException e) {
            return reject(e.getMessage());
        }
    }

    private static Uni<CheckResult> reject(String why) {
        return CheckResult.rejectUpgrade(401, Map.of("WWW-Authenticate",
                List.of("Bearer error=\"invalid_token\", error_description=\"" + why + "\"")));
    }
}
