package dev.parley.metrics.repository;

import java.util.List;

/** The slowest statements, or why they are not available (the extension is optional). */
public record StatementReport(boolean available, String reason, List<StatementStats> statements) {

    public static StatementReport notAvailable(String reason) {
        return new StatementReport(false, reason, List.of());
    }
}
