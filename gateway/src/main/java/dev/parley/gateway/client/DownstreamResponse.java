package dev.parley.gateway.client;

/**
 * A downstream answer passed through as is: status, content type, raw body, and Retry-After (a
 * downstream's own rate limit or overload advice reaches the client).
 */
public record DownstreamResponse(int status, String contentType, byte[] body, String retryAfter) {
}
