package dev.parley.ws.service;

import dev.parley.contracts.chat.ChatLimits;
import dev.parley.contracts.chat.frames.ErrorCode;
import dev.parley.contracts.text.StorableText;
import java.util.regex.Pattern;

/** Field checks shared by the frame handlers. */
final class FrameRules {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private FrameRules() {
    }

    static String conversation(String conv) {
        if (conv == null || !ID.matcher(conv).matches()) {
            throw new FrameException(ErrorCode.INVALID, "conv must be 1-64 characters of [A-Za-z0-9._:-]", null);
        }
        return conv;
    }

    static String clientMessageId(String cmid, String conv) {
        if (cmid == null || !ID.matcher(cmid).matches()) {
            throw new FrameException(ErrorCode.INVALID, "cmid must be 1-64 characters of [A-Za-z0-9._:-]", conv);
        }
        return cmid;
    }

    /** Refused here, before the ack, whatever a later store would refuse (see {@link StorableText}). */
    static String body(String body, String conv) {
        if (body == null || body.isBlank()) {
            throw new FrameException(ErrorCode.INVALID, "body is required", conv);
        }
        String problem = StorableText.problem("body", body, ChatLimits.MAX_BODY_CHARS);
        if (problem != null) {
            throw new FrameException(ErrorCode.INVALID, problem, conv);
        }
        return body;
    }

    static long seq(Long seq, String conv) {
        if (seq == null || seq < 0) {
            throw new FrameException(ErrorCode.INVALID, "seq must be a number >= 0", conv);
        }
        return seq;
    }
}
