package dev.parley.platform.auth;

import dev.parley.contracts.AuthTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Mints and verifies Parley access tokens: HS256 JWTs with issuer and audience {@code parley},
 * subject = user id, an expiry, and nothing else trusted. jose4j does the cryptography; only HS256
 * is accepted, so a token signed with {@code none} or another algorithm is refused.
 */
public final class TokenCodec {

    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /**
     * A compact JWS and nothing else: three non-empty base64url segments (no padding). jose4j's
     * base64url decoder skips characters outside the alphabet, so a valid token with bytes appended
     * (a NUL, unicode, spaces) would otherwise still verify; the shape is checked first.
     */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    /** Far above any token minted here (about 300 characters); longer input is refused unparsed. */
    public static final int MAX_TOKEN_CHARS = 4096;

    private final HmacKey key;
    private final JwtConsumer consumer;

    public TokenCodec(String secret) {
        byte[] bytes = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < AuthTokens.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the token secret must have at least " + AuthTokens.MIN_SECRET_BYTES + " bytes");
        }
        this.key = new HmacKey(bytes);
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) CLOCK_SKEW.toSeconds())
                .setExpectedIssuer(AuthTokens.ISSUER)
                .setExpectedAudience(AuthTokens.AUDIENCE)
                .setVerificationKey(key)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .build();
    }

    public String mint(String userId, String displayName, Duration ttl) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(AuthTokens.ISSUER);
        claims.setAudience(AuthTokens.AUDIENCE);
        claims.setSubject(userId);
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromMilliseconds(Instant.now().plus(ttl).toEpochMilli()));
        claims.setGeneratedJwtId();
        if (displayName != null) {
            claims.setClaim(AuthTokens.NAME_CLAIM, displayName);
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign token", e);
        }
    }

    /**
     * The verified identity, or {@link InvalidTokenException} saying why the token is refused. The
     * token must be exactly a compact JWS: nothing before, after or inside it is trimmed or skipped.
     */
    public VerifiedToken verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("token missing");
        }
        if (token.length() > MAX_TOKEN_CHARS || !COMPACT_JWS.matcher(token).matches()) {
            throw new InvalidTokenException("token malformed");
        }
        try {
            JwtClaims claims = consumer.processToClaims(token);
            return new VerifiedToken(claims.getSubject(), claims.getClaimValueAsString(AuthTokens.NAME_CLAIM),
                    Instant.ofEpochMilli(claims.getExpirationTime().getValueInMillis()));
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(e.hasExpired() ? "token expired" : "token invalid");
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("token claims malformed");
        }
    }

    public record VerifiedToken(String userId, String name, Instant expiresAt) {
    }

    public static class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
