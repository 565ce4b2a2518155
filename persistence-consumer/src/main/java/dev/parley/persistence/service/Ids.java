package dev.parley.persistence.service;

import java.util.regex.Pattern;

/** Shapes of the identifiers the chat API accepts. */
public final class Ids {

    /** User ids: letters, digits, dot, underscore, hyphen; 1..64. No ':' so direct ids stay unambiguous. */
    public static final Pattern USER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Conversation ids: {@code d:<user>:<user>} or a UUID. */
    public static final Pattern CONVERSATION = Pattern.compile(
            "d:[A-Za-z0-9._-]{1,64}:[A-Za-z0-9._-]{1,64}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Ids() {
    }

    public static boolean isUser(String s) {
        return s != null && USER.matcher(s).matches();
    }

    public static boolean isConversation(String s) {
        return s != null && CONVERSATION.matcher(s).matches();
    }

    /** The id of the direct conversation of two users: the same whichever of them asks. */
    public static String direct(String a, String b) {
        return a.compareTo(b) <= 0 ? "d:" + a + ":" + b : "d:" + b + ":" + a;
    }
}
