package dev.parley.gateway.service;

import java.util.Set;

/** Who a downstream call is made for: the verified user and roles, and the request id to forward. */
public record Caller(String userId, Set<String> roles, String requestId) {
}
