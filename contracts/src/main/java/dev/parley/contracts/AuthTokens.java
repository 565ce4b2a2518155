package dev.parley.contracts;

/** What every Parley access token (HS256 JWT) carries; the gateway mints, ws-service verifies. */
public final class AuthTokens {

    public static final String ISSUER = "parley";
    public static final String AUDIENCE = "parley";
    /** Display name claim; the user id is the standard {@code sub}. */
    public static final String NAME_CLAIM = "name";
    /** HMAC secrets shorter than this are refused (HS256 needs 256 bits). */
    public static final int MIN_SECRET_BYTES = 32;

    private AuthTokens() {
    }
}
