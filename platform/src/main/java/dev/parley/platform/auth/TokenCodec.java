package dev.parley.platform.auth;

import dev.parley.contracts.AuthTokens;
import dev.parley.contracts.Roles;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 * Mints and verifies Parley tokens: HS256 JWTs with an issuer and an audience, subject = user id,
 * roles, an expiry, and nothing else trusted. jose4j does the cryptography; only HS256 is accepted,
 * so a token signed with {@code none} or another algorithm is refused.
 *
 * <p>Two kinds, never interchangeable: access tokens ({@link #TokenCodec(String)}, issuer and
 * audience {@code parley}) and internal tokens ({@link #internal}, issuer {@code parley-internal},
 * audience = one service, signed with a key derived from the secret for that purpose), so an access
 * token is refused by a service API and an internal token minted for one service by every other.
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

    /** Label of the internal-token key derivation: changing it invalidates every internal token. */
    private static final String INTERNAL_KEY_LABEL = "parley internal token key v1";

    private final HmacKey key;
    private final String issuer;
    private final String audience;
    private final JwtConsumer consumer;

    /** Access tokens (issuer and audience {@code parley}). */
    public TokenCodec(String secret) {
        this(secretBytes(secret), AuthTokens.ISSUER, AuthTokens.AUDIENCE);
    }

    private TokenCodec(byte[] key, String issuer, String audience) {
        this.key = new HmacKey(key);
        this.issuer = issuer;
        this.audience = audience;
        this.consumer = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) CLOCK_SKEW.toSeconds())
                .setExpectedIssuer(issuer)
                .setExpectedAudience(audience)
                .setVerificationKey(this.key)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .build();
    }

    /**
     * Internal tokens for calls to {@code service}. The key is HMAC-SHA256(secret, label): one
     * secret to distribute, yet an access token's signature never verifies as an internal token.
     */
    public static TokenCodec internal(String secret, String service) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secretBytes(secret), "HmacSHA256"));
            return new TokenCodec(mac.doFinal(INTERNAL_KEY_LABEL.getBytes(StandardCharsets.UTF_8)), AuthTokens.INTERNAL_ISSUER, service);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] secretBytes(String secret) {
        byte[] bytes = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < AuthTokens.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the token secret must have at least " + AuthTokens.MIN_SECRET_BYTES + " bytes");
        }
        return bytes;
    }

    /** A member's token. */
    public String mint(String userId, String displayName, Duration ttl) {
        return mint(userId, displayName, Set.of(Roles.MEMBER), ttl);
    }

    public String mint(String userId, String displayName, Collection<String> roles, Duration ttl) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience(audience);
        claims.setSubject(userId);
        claims.setStringListClaim(AuthTokens.ROLES_CLAIM, List.copyOf(roles));
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
            Set<String> roles = claims.hasClaim(AuthTokens.ROLES_CLAIM)
                    ? Set.copyOf(claims.getStringListClaimValue(AuthTokens.ROLES_CLAIM))
                    : Set.of(Roles.MEMBER);
            return new VerifiedToken(claims.getSubject(), claims.getClaimValueAsString(AuthTokens.NAME_CLAIM), roles,
                    Instant.ofEpochMilli(claims.getExpirationTime().getValueInMillis()));
        } catch (InvalidJwtException e) {
            throw new InvalidTokenException(e.hasExpired() ? "token expired" : "token invalid");
        } catch (MalformedClaimException e) {
            throw new InvalidTokenException("token claims malformed");
        }
    }

    public record VerifiedToken(String userId, String name, Set<String> roles, Instant expiresAt) {

        public boolean hasRole(String role) {
            return roles.contains(role);
        }
    }

    public static class InvalidTokenException extends RuntimeException {
        public InvalidTokenException(String message) {
            super(message);
        }
    }
}
