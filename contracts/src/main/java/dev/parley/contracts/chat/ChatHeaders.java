package dev.parley.contracts.chat;

/** HTTP headers of the chat services' internal APIs. */
public final class ChatHeaders {

    /**
     * The authenticated user on whose behalf an internal call is made. Set by the gateway (which
     * verified the JWT) or by ws-service; internal APIs are not exposed outside the cluster.
     */
    public static final String USER = "X-Parley-User";

    private ChatHeaders() {
    }
}
