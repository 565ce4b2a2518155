package dev.parley.platform.auth;

import dev.parley.contracts.Roles;

/**
 * Who may run the fleet's operations (drain a pod, inject a fault): the bearer of an access token
 * with the operator role. Everyone else is told why not: 401 without a valid token, 403 with one
 * that lacks the role.
 */
public final class OperatorAccess {

    /** Why a request is refused; {@code status} is the HTTP status to answer. */
    public record Refusal(int status, String detail) {
    }

    private final TokenCodec tokens;

    public OperatorAccess(TokenCodec tokens) {
        this.tokens = tokens;
    }

    /** Null when the {@code Authorization} header is an operator's, else the refusal. */
    public Refusal check(String authorization) {
        String token = Credentials.bearer(authorization);
        if (token == null) {
            return new Refusal(401, "an operator's Bearer token is required");
        }
        TokenCodec.VerifiedToken caller;
        try {
            caller = tokens.verify(token);
        } catch (TokenCodec.InvalidTokenException e) {
            return new Refusal(401, e.getMessage());
        }
        return caller.hasRole(Roles.OPERATOR) ? null : new Refusal(403, caller.userId() + " does not have the operator role");
    }
}
