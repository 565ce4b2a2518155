package dev.parley.contracts.json;

/** A value that is not valid JSON for the expected type; the message names what was wrong. */
public class JsonDecodeException extends RuntimeException {

    public JsonDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
