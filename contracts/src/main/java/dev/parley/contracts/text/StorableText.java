package dev.parley.contracts.text;

/**
 * The rules a client's text must meet to be stored the same everywhere it goes: Redis (any bytes),
 * Kafka (UTF-8) and PostgreSQL ({@code text} refuses U+0000). What one store accepts and another
 * refuses is refused at the edge, before anything is acknowledged:
 * <ul>
 *   <li>U+0000: PostgreSQL cannot store it (the insert fails, the message would be dead-lettered);</li>
 *   <li>an unpaired UTF-16 surrogate (possible through a JSON {@code \ud800} escape): it has no
 *       UTF-8 form, so encoders silently write {@code ?} instead and the stored text differs from
 *       the acknowledged one;</li>
 *   <li>lengths are counted in characters the way PostgreSQL's {@code char_length} counts them
 *       (Unicode code points), not in UTF-16 units ({@link String#length()}), so a limit means the
 *       same in every service and in the database's check constraints.</li>
 * </ul>
 */
public final class StorableText {

    private StorableText() {
    }

    /** Characters as PostgreSQL counts them (code points; an unpaired surrogate counts as one). */
    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * Why {@code value} cannot be stored as a field called {@code field} of 1 to {@code maxChars}
     * characters, or null when it can. Blank values are the caller's to judge.
     */
    public static String problem(String field, String value, int maxChars) {
        if (value == null || value.isEmpty()) {
            return field + " is missing";
        }
        if (value.indexOf('\u0000') >= 0) {
            return field + " must not contain U+0000 (NUL)";
        }
        if (hasUnpairedSurrogate(value)) {
            return field + " must not contain an unpaired UTF-16 surrogate";
        }
        if (length(value) > maxChars) {
            return field + " longer than " + maxChars + " characters";
        }
        return null;
    }

    public static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the text has something to show: at least one character that is not whitespace, a
     * control or a format character (a title of only U+200B, U+0085 or spaces is empty on screen).
     */
    public static boolean isVisible(String s) {
        return s.codePoints().anyMatch(cp -> !Character.isWhitespace(cp) && !Character.isSpaceChar(cp)
                && Character.getType(cp) != Character.CONTROL && Character.getType(cp) != Character.FORMAT);
    }
}
