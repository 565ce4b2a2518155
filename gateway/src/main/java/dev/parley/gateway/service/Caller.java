package dev.parley.gateway.service;

/** Who a downstream call is made for: the verified user, and the request id to forward. */
public record Caller(String userId, String requestId) {
}
