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
    void refusesShortSecrets() {
        assertThrows(IllegalArgumentException.class, () -> new TokenCodec("short"));
    }
}
