package dev.parley.seat.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contracts.json.Json;
import dev.parley.seat.service.SeatException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict decoding of REST bodies: every field has exactly one JSON type (no coercion — `"5"` or
 * `1.5` for a seat count is refused, not turned into 5 or 1), unknown fields are refused, and text
 * must be storable as is by PostgreSQL and Redis (no NUL, no lone UTF-16 surrogate, no control
 * characters). Each refusal is a 400 problem naming the field; nothing has been touched yet.
 */
final class Bodies {

    /** Trailing content after the object and duplicate fields are refused too: one reading only. */
    private static final ObjectReader READER = Json.mapper().readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Bodies() {
    }

    /** The body as a JSON object with only {@code allowed} fields; null when absent and optional. */
    static ObjectNode object(String json, boolean optional, Set<String> allowed) {
        if (json == null || json.isBlank()) {
            if (optional) {
                return null;
            }
            throw SeatException.badRequest("request body required");
        }
        JsonNode node;
        try {
            node = READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw SeatException.badRequest("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw SeatException.badRequest("the body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw SeatException.invalid(printable(name), "unknown field " + printable(name) + "; allowed: " + allowed);
            }
        }
        return (ObjectNode) node;
    }

    /** Storable text of 1..maxCodePoints code points (PostgreSQL's length), or null when absent. */
    static String text(ObjectNode o, String field, int maxCodePoints) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw SeatException.invalid(field, field + " must be a string");
        }
        return storable(field, n.textValue(), maxCodePoints);
    }

    static String storable(String field, String s, int maxCodePoints) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw SeatException.invalid(field, field + " contains a lone UTF-16 surrogate");
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffe || c == 0xffff) {
                throw SeatException.invalid(field, field + " contains a control character (U+" + String.format("%04X", (int) c) + ")");
            }
        }
        int length = s.codePointCount(0, s.length());
        if (s.isBlank() || length > maxCodePoints) {
            throw SeatException.invalid(field, field + " must be 1 to " + maxCodePoints + " characters, not blank");
        }
        return s;
    }

    /** A JSON integer (not a float, not a string) in min..max, or null when absent. */
    static Long integer(ObjectNode o, String field, long min, long max) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw SeatException.invalid(field, field + " must be an integer from " + min + " to " + max);
        }
        return n.longValue();
    }

    /** An ISO-8601 instant as a string (a bare number is refused: seconds or milliseconds?), or null. */
    static Instant instant(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual() || n.textValue().length() > 64) {
            throw SeatException.invalid(field, field + " must be an ISO-8601 instant string, e.g. 2030-01-01T10:00:00Z");
        }
        try {
            return Instant.parse(n.textValue());
        } catch (DateTimeParseException e) {
            throw SeatException.invalid(field, field + " is not an ISO-8601 instant (e.g. 2030-01-01T10:00:00Z)");
        }
    }

    /** An array of storable strings, or null when absent. */
    static List<String> texts(ObjectNode o, String field, int maxItems, int maxCodePoints) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray() || n.size() > maxItems) {
            throw SeatException.invalid(field, field + " must be an array of at most " + maxItems + " strings");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw SeatException.invalid(field, field + " must hold strings only");
            }
            out.add(storable(field, item.textValue(), maxCodePoints));
        }
        return out;
    }

    /** A field name fit to echo back (it came from the client). */
    private static String printable(String name) {
        String s = name.codePoints().filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
