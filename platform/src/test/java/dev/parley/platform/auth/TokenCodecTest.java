package dev.parley.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenCodecTest {

    private final TokenCodec codec = new TokenCodec("0123456789abcdef0123456789abcdef");

    @Test
    void verifiesWhatItMinted() {
        var verified = codec.verify(codec.mint("alice", "Alice", Duration.ofMinutes(5)));
        assertEquals("alice", verified.userId());
        assertEquals("Alice", verified.name());
    }

    @Test
    void refusesExpiredForgedAndMalformedTokens() {
        var expired = assertThrows(TokenCodec.InvalidTokenException.class,
                () -> codec.verify(codec.mint("alice", null, Duration.ofMinutes(-5))));
        assertEquals("token expired", expired.getMessage());

        String other = new TokenCodec("ffffffffffffffffffffffffffffffff").mint("alice", null, Duration.ofMinutes(5));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(other));

        String token = codec.mint("alice", null, Duration.ofMinutes(5));
        String[] parts = token.split("\\.");
        String unsigned = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
                + "." + parts[1] + ".";
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(unsigned));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify("not.a.jwt"));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(""));
    }

    @Test
    void acceptsOnlyAnExactCompactJws() {
        String token = codec.mint("alice", null, Duration.ofMinutes(5));
        assertEquals("alice", codec.verify(token).userId());
        // jose4j's base64url decoder skips characters outside the alphabet: each of these verified as alice
        for (String suffix : new String[] {"\u0000\u00e9\u4e2d", "\u0000", " ", "\t", "%00", "\n", "\u00e9", "=", "=="}) {
            var refused = assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(token + suffix),
                    "suffix " + suffix.codePoints().mapToObj(Integer::toHexString).toList());
            assertEquals("token malformed", refused.getMessage());
        }
        String[] parts = token.split("\\.");
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(" " + token));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(parts[0] + ".\u0000" + parts[1] + "." + parts[2]));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(parts[0] + "." + parts[1] + "." + parts[2] + ".x"));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(token + "A".repeat(TokenCodec.MAX_TOKEN_CHARS)));
    }

    @Test
    void theCredentialIsTheQueryTokenOrTheBearerHeaderUntrimmed() {
        assertEquals("q", Credentials.token("q", "Bearer h"));
        assertEquals("h", Credentials.token(null, "Bearer h"));
        assertEquals("h", Credentials.token(null, "bearer h"));
        assertEquals("h\u0000", Credentials.token(null, "Bearer h\u0000"), "nothing trimmed: the verifier refuses it");
        assertEquals(null, Credentials.token(null, "Basic h"));
        assertEquals(null, Credentials.token(null, null));
        String token = codec.mint("alice", null, Duration.ofMinutes(5));
        assertThrows(TokenCodec.InvalidTokenException.class, () -> codec.verify(Credentials.bearer("Bearer " + token + "\u0000")));
    }

    @Test
    void refusesShortSecrets() {
        assertThrows(IllegalArgumentException.class, () -> new TokenCodec("short"));
    }
}
