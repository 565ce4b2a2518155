package dev.parley.gateway.client;

/** A downstream answer passed through as is: status, content type and raw body. */
public record DownstreamResponse(int status, String contentType, byte[] body) {
}
