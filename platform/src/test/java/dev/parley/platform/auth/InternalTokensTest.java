package dev.parley.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.contracts.Roles;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InternalTokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final InternalTokens internal = new InternalTokens(SECRET);
    private final TokenCodec access = new TokenCodec(SECRET);

    @Test
    void aServiceAcceptsTheCredentialMintedForItWithUserAndRoles() {
        String header = internal.authorization("seat-service", "alice", Set.of(Roles.MEMBER, Roles.MENTOR));
        var verified = internal.verify("seat-service", header);
        assertEquals("alice", verified.userId());
        assertEquals(Set.of(Roles.MEMBER, Roles.MENTOR), verified.roles());
        assertTrue(verified.expiresAt().isBefore(java.time.Instant.now().plus(InternalTokens.TTL).plusSeconds(1)));
    }

    @Test
    void aCredentialForOneServiceIsRefusedByAnother() {
        String header = internal.authorization("seat-service", "alice", Set.of(Roles.MEMBER));
        assertEquals("token invalid", assertThrows(TokenCodec.InvalidTokenException.class,
                () -> internal.verify("persistence-consumer", header)).getMessage());
    }

    @Test
    void anAccessTokenIsNotAnInternalCredentialAndTheReverse() {
        // Same secret, same subject: the derived key and the issuer keep the two kinds apart.
        String accessToken = access.mint("alice", null, Duration.ofMinutes(5));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> internal.verify("seat-service", Credentials.authorization(accessToken)));
        String header = internal.authorization("parley", "alice", Set.of(Roles.MEMBER));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> access.verify(Credentials.bearer(header)),
                "an internal token whose audience happens to be 'parley' is still no access token");
    }

    @Test
    void noCredentialOrAnotherSchemeIsRefusedWithTheReason() {
        assertEquals("credential missing", assertThrows(TokenCodec.InvalidTokenException.class,
                () -> internal.verify("seat-service", null)).getMessage());
        assertEquals("credential is not a Bearer token", assertThrows(TokenCodec.InvalidTokenException.class,
                () -> internal.verify("seat-service", "Basic YWxpY2U6")).getMessage());
        assertEquals("token malformed", assertThrows(TokenCodec.InvalidTokenException.class,
                () -> internal.verify("seat-service", "Bearer alice")).getMessage());
    }

    @Test
    void accessTokensCarryRolesAndDefaultToMember() {
        assertEquals(Set.of(Roles.MEMBER), access.verify(access.mint("bob", null, Duration.ofMinutes(5))).roles());
        var operator = access.verify(access.mint("ops", null, List.of(Roles.OPERATOR), Duration.ofMinutes(5)));
        assertTrue(operator.hasRole(Roles.OPERATOR));
    }
}
