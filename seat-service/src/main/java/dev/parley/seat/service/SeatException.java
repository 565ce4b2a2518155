package dev.parley.seat.service;

import java.util.Map;

/** A refusal with an HTTP status and a problem type; the API turns it into problem+json. */
public class SeatException extends RuntimeException {

    private final int status;
    private final String type;
    private final String title;
    private final Map<String, Object> extras;

    public SeatException(int status, String type, String title, String detail) {
        this(status, type, title, detail, Map.of());
    }

    public SeatException(int status, String type, String title, String detail, Map<String, Object> extras) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extras = extras;
    }

    public int status() { return status; }
    public String type() { return type; }
    public String title() { return title; }
    public Map<String, Object> extras() { return extras; }

    public static SeatException badRequest(String detail) {
        return new SeatException(400, "bad-request", "Bad request", detail);
    }

    /** A 400 naming the request field that was refused. */
    public static SeatException invalid(String field, String detail) {
        return new SeatException(400, "bad-request", "Bad request", detail, Map.of("field", field));
    }

    public static SeatException notFound(String detail) {
        return new SeatException(404, "not-found", "Not found", detail);
    }

    public static SeatException conflict(String type, String title, String detail) {
        return new SeatException(409, type, title, detail);
    }

    public static SeatException forbidden(String detail) {
        return new SeatException(403, "forbidden", "Forbidden", detail);
    }

    public static SeatException unavailable(String detail) {
        return new SeatException(503, "unavailable", "Service unavailable", detail);
    }
}
