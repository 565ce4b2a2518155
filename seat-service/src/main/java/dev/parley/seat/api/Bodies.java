package dev.parley.seat.api;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.parley.contracts.json.Json;
import dev.parley.contracts.json.JsonDecodeException;
import dev.parley.contracts.text.StorableText;
import dev.parley.seat.service.SeatException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * REST bodies, decoded by the contracts module's strict reader ({@link Json#readStrict}: one JSON
 * type per field, no coercion of {@code "5"} or {@code 1.5} to a seat count, unknown fields,
 * duplicate keys and trailing content refused), then checked here for what the type cannot say:
 * ranges, and text storable as is by PostgreSQL and Redis (no NUL, no lone UTF-16 surrogate, no
 * control characters). Each refusal is a 400 problem naming the field; nothing has been touched yet.
 */
final class Bodies {

    /** {@code POST /cohorts}. Times are strings: a bare number could mean seconds or milliseconds. */
    record CohortBody(String title, Integer seats, String deadline, String opensAt, Long holdTtlMs, List<String> seatLabels) {
    }

    /** {@code POST /cohorts/{id}/holds}. */
    record HoldBody(Long seat) {
    }

    /** {@code POST /cohorts/{id}/extend}: one of the two. */
    record ExtendBody(String deadline, Long extendByMs) {
    }

    /** pause, resume and close take nothing (or {@code {}}). */
    record NoFields() {
    }

    /** What each field must be, for the refusal of a value of the wrong JSON type. */
    private static final Map<String, String> EXPECTED = Map.of(
            "title", "a string",
            "seats", "an integer",
            "deadline", "an ISO-8601 instant string, e.g. 2030-01-01T10:00:00Z",
            "opensAt", "an ISO-8601 instant string, e.g. 2030-01-01T10:00:00Z",
            "holdTtlMs", "an integer (milliseconds)",
            "seatLabels", "an array of strings",
            "seat", "an integer",
            "extendByMs", "an integer (milliseconds)");

    private Bodies() {
    }

    /** The body as {@code type}; null when absent and optional. */
    static <T> T read(String json, Class<T> type, boolean optional) {
        if (json == null || json.isBlank()) {
            if (optional) {
                return null;
            }
            throw SeatException.badRequest("request body required");
        }
        T value;
        try {
            value = Json.readStrict(json, type);
        } catch (JsonDecodeException e) {
            throw refusal(e);
        }
        if (value == null) {
            throw SeatException.badRequest("the body must be a JSON object");
        }
        return value;
    }

    /** Names the field when the decoder got as far as one; otherwise the body as a whole is refused. */
    private static SeatException refusal(JsonDecodeException e) {
        if (e.getCause() instanceof UnrecognizedPropertyException u) {
            String name = printable(u.getPropertyName());
            return SeatException.invalid(name, "unknown field " + name + "; allowed: " + u.getKnownPropertyIds());
        }
        if (e.getCause() instanceof JsonMappingException m && !m.getPath().isEmpty()
                && EXPECTED.containsKey(m.getPath().get(0).getFieldName())) {
            String field = m.getPath().get(0).getFieldName();
            return SeatException.invalid(field, field + " must be " + EXPECTED.get(field));
        }
        if (e.getCause() instanceof StreamReadException r) {
            return SeatException.badRequest("malformed JSON: " + r.getOriginalMessage());
        }
        // the decoder's own words would name our Java types
        return SeatException.badRequest("the body must be one JSON object with the documented fields");
    }

    /** Storable text of 1..maxCodePoints code points (PostgreSQL's length), or null when absent. */
    static String text(String field, String s, int maxCodePoints) {
        if (s == null) {
            return null;
        }
        String problem = StorableText.problem(field, s, maxCodePoints);
        if (problem != null) {
            throw SeatException.invalid(field, problem);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // stored fine, but they break logs, exports and terminals that show the text later
            if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffe || c == 0xffff) {
                throw SeatException.invalid(field, field + " contains a control character (U+" + String.format("%04X", (int) c) + ")");
            }
        }
        if (s.isBlank()) {
            throw SeatException.invalid(field, field + " must not be blank");
        }
        return s;
    }

    /** An integer in min..max, or null when absent. */
    static Long integer(String field, Long n, long min, long max) {
        if (n != null && (n < min || n > max)) {
            throw SeatException.invalid(field, field + " must be an integer from " + min + " to " + max);
        }
        return n;
    }

    /** An ISO-8601 instant, or null when absent. */
    static Instant instant(String field, String s) {
        if (s == null) {
            return null;
        }
        if (s.length() > 64) {
            throw SeatException.invalid(field, field + " must be " + EXPECTED.get(field));
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw SeatException.invalid(field, field + " is not an ISO-8601 instant (e.g. 2030-01-01T10:00:00Z)");
        }
    }

    /** A list of storable strings, or null when absent. */
    static List<String> texts(String field, List<String> items, int maxItems, int maxCodePoints) {
        if (items == null) {
            return null;
        }
        if (items.size() > maxItems) {
            throw SeatException.invalid(field, field + " must be an array of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>(items.size());
        for (String item : items) {
            if (item == null) {
                throw SeatException.invalid(field, field + " must hold strings only");
            }
            out.add(text(field, item, maxCodePoints));
        }
        return out;
    }

    /** A field name fit to echo back (it came from the client). */
    private static String printable(String name) {
        String s = String.valueOf(name).codePoints().filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
