package dev.parley.gateway.routing;

/** Where one user should open its chat WebSocket. */
public record PodRoute(String pod, String url) {
}
