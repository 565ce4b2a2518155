package dev.parley.seat.service;

import dev.parley.contracts.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 9457 problem bodies. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_BASE = "https://parley.dev/problems/";

    private Problems() {
    }

    public static String body(SeatException e) {
        return body(e.status(), e.type(), e.title(), e.getMessage(), e.extras());
    }

    public static String body(int status, String type, String title, String detail, Map<String, Object> extras) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE_BASE + type);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        m.putAll(extras);
        return Json.write(m);
    }
}
