package dev.parley.contracts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of every record on {@link Topics#MESSAGES_DEAD_LETTER}, whoever wrote it: why it was
 * refused, which group refused it, and where it came from — enough for one tool to re-drive any
 * dead letter to its source topic (dev-infra {@code DeadLetterRedrive}, {@code make redrive}).
 * The key and value are the original record's, unchanged. Values are UTF-8 strings.
 */
public final class DeadLetterHeaders {

    public static final String REASON = "parley-dlq-reason";
    public static final String CONSUMER_GROUP = "parley-dlq-group";
    public static final String SOURCE_TOPIC = "parley-dlq-topic";
    public static final String SOURCE_PARTITION = "parley-dlq-partition";
    public static final String SOURCE_OFFSET = "parley-dlq-offset";
    /** On a re-driven record: the dead letter it came from, {@code <dlq topic>/<partition>@<offset>}. */
    public static final String REDRIVEN_FROM = "parley-redriven-from";

    /** A reason longer than this is cut: headers are not the place for stack traces. */
    public static final int MAX_REASON_CHARS = 1000;

    private DeadLetterHeaders() {
    }

    /** The headers of one dead letter, in a stable order. */
    public static Map<String, String> of(String reason, String group, String topic, int partition, long offset) {
        Map<String, String> headers = new LinkedHashMap<>();
        String r = reason == null ? "" : reason;
        headers.put(REASON, r.length() > MAX_REASON_CHARS ? r.substring(0, MAX_REASON_CHARS) : r);
        headers.put(CONSUMER_GROUP, group);
        headers.put(SOURCE_TOPIC, topic);
        headers.put(SOURCE_PARTITION, Integer.toString(partition));
        headers.put(SOURCE_OFFSET, Long.toString(offset));
        return headers;
    }
}
