package dev.parley.contracts;

/**
 * What every Parley token (HS256 JWT) carries. Access tokens: minted by the gateway for a user,
 * verified by the gateway and ws-service. Internal tokens: minted by the gateway for one call to one
 * service (audience = that service), verified by the service — no service trusts a header instead.
 */
public final class AuthTokens {

    public static final String ISSUER = "parley";
    public static final String AUDIENCE = "parley";
    /** Display name claim; the user id is the standard {@code sub}. */
    public static final String NAME_CLAIM = "name";
    /** The user's roles (an array of {@link Roles}); absent means a plain member. */
    public static final String ROLES_CLAIM = "roles";
    /** Issuer of internal tokens; their audience is the name of the one service they are for. */
    public static final String INTERNAL_ISSUER = "parley-internal";
    /** HMAC secrets shorter than this are refused (HS256 needs 256 bits). */
    public static final int MIN_SECRET_BYTES = 32;

    private AuthTokens() {
    }
}
