package dev.parley.contracts;

import java.util.Set;

/** The roles a token may carry (claim {@link AuthTokens#ROLES_CLAIM}). */
public final class Roles {

    public static final String MEMBER = "member";
    public static final String MENTOR = "mentor";
    public static final String ADMIN = "admin";
    /** Runs the fleet: drains pods, injects faults; never granted by the demo login. */
    public static final String OPERATOR = "operator";

    public static final Set<String> ALL = Set.of(MEMBER, MENTOR, ADMIN, OPERATOR);

    private Roles() {
    }
}
