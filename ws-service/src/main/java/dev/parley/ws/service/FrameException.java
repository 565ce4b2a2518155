package dev.parley.ws.service;

/** A client frame that is refused; becomes an {@code error} frame with the code. */
public class FrameException extends RuntimeException {

    private final String code;
    private final String conv;

    public FrameException(String code, String message, String conv) {
        super(message, null, false, false);
        this.code = code;
        this.conv = conv;
    }

    public String code() {
        return code;
    }

    public String conv() {
        return conv;
    }
}
