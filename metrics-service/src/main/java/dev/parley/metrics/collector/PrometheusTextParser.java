package dev.parley.metrics.collector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (what Quarkus serves at
 * /q/metrics for {@code Accept: text/plain}). The Prometheus Java client only writes this format
 * and no maintained Java parser of it is published on Maven Central, hence this small one: comments
 * (# HELP / # TYPE / # EOF) are skipped, every other non-blank line must be
 * {@code name[{label="value",...}] value [timestamp]}, and anything else fails the whole scrape
 * with the line number rather than silently dropping series.
 */
public final class PrometheusTextParser {

    private final int maxSamples;

    public PrometheusTextParser(int maxSamples) {
        this.maxSamples = maxSamples;
    }

    public List<Sample> parse(CharSequence text) {
        List<Sample> samples = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        int length = text.length();
        while (start < length) {
            int end = start;
            while (end < length && text.charAt(end) != '\n') {
                end++;
            }
            lineNo++;
            String line = text.subSequence(start, end).toString();
            start = end + 1;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (samples.size() >= maxSamples) {
                throw new PrometheusParseException(lineNo, "more than " + maxSamples + " samples");
            }
            samples.add(parseLine(line, lineNo));
        }
        return samples;
    }

    private static Sample parseLine(String line, int lineNo) {
        int i = 0;
        int n = line.length();
        if (n == 0 || !isNameStart(line.charAt(0))) {
            throw new PrometheusParseException(lineNo, "expected a metric name");
        }
        while (i < n && isNameChar(line.charAt(i))) {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = Collections.emptyMap();
        if (i < n && line.charAt(i) == '{') {
            labels = new LinkedHashMap<>();
            i++;
            while (true) {
                i = skipSpaces(line, i);
                if (i < n && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int labelStart = i;
                if (i >= n || !isLabelStart(line.charAt(i))) {
                    throw new PrometheusParseException(lineNo, "expected a label name at column " + (i + 1));
                }
                while (i < n && isLabelChar(line.charAt(i))) {
                    i++;
                }
                String key = line.substring(labelStart, i);
                i = skipSpaces(line, i);
                if (i >= n || line.charAt(i) != '=') {
                    throw new PrometheusParseException(lineNo, "expected '=' after label " + key);
                }
                i = skipSpaces(line, i + 1);
                if (i >= n || line.charAt(i) != '"') {
                    throw new PrometheusParseException(lineNo, "expected '\"' to open the value of label " + key);
                }
                i++;
                StringBuilder value = new StringBuilder();
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        if (i >= n) {
                            break;
                        }
                        char e = line.charAt(i++);
                        switch (e) {
                            case 'n' -> value.append('\n');
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            default -> throw new PrometheusParseException(lineNo, "invalid escape \\" + e);
                        }
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    throw new PrometheusParseException(lineNo, "unterminated value of label " + key);
                }
                if (labels.put(key, value.toString()) != null) {
                    throw new PrometheusParseException(lineNo, "duplicate label " + key);
                }
                i = skipSpaces(line, i);
                if (i < n && line.charAt(i) == ',') {
                    i++;
                } else if (i < n && line.charAt(i) == '}') {
                    i++;
                    break;
                } else {
                    throw new PrometheusParseException(lineNo, "expected ',' or '}' after label " + key);
                }
            }
        }
        if (i >= n || (line.charAt(i) != ' ' && line.charAt(i) != '\t')) {
            throw new PrometheusParseException(lineNo, "expected a space before the value");
        }
        String[] rest = line.substring(i).trim().split("[ \t]+");
        if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
            throw new PrometheusParseException(lineNo, "expected 'value [timestamp]'");
        }
        double value = parseValue(rest[0], lineNo);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new PrometheusParseException(lineNo, "invalid timestamp " + rest[1]);
            }
        }
        return new Sample(name, labels, value);
    }

    private static double parseValue(String token, int lineNo) {
        switch (token) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                try {
                    return Double.parseDouble(token);
                } catch (NumberFormatException e) {
                    throw new PrometheusParseException(lineNo, "invalid value " + token);
                }
            }
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isNameStart(char c) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNameChar(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    private static boolean isLabelStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isLabelChar(char c) {
        return isLabelStart(c) || (c >= '0' && c <= '9');
    }
}
