package dev.parley.contracts.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The JSON codec for everything that crosses a process boundary (Kafka values, Redis values,
 * WebSocket frames). One configuration, so a record written by one service reads the same in all.
 * Unknown properties are refused: a frame or event with a field we do not know is an error, not
 * something to guess about.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    /**
     * What clients send (WebSocket frames, REST bodies) is read strictly on top of that: a value of
     * the wrong JSON type is refused instead of converted ({@code "cmid":5}, {@code "seq":"3"},
     * {@code "seq":1.5}, {@code "title":true}), as are duplicate keys and anything after the value.
     * Data our own services wrote (Kafka, Redis, possibly through Lua) keeps the tolerant reader.
     */
    private static final ObjectMapper STRICT = strict();

    private Json() {
    }

    private static ObjectMapper strict() {
        JsonMapper strict = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        // ALLOW_COERCION_OF_SCALARS covers numbers and booleans, not scalars read as text
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return strict;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes or throws {@link JsonDecodeException} with a message fit to show a client. */
    public static <T> T read(String json, Class<T> type) {
        return read(MAPPER, json, type);
    }

    /** Decodes a client's input strictly (see {@link #STRICT}), or throws {@link JsonDecodeException}. */
    public static <T> T readStrict(String json, Class<T> type) {
        return read(STRICT, json, type);
    }

    private static <T> T read(ObjectMapper mapper, String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new JsonDecodeException(type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
