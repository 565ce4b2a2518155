package dev.parley.metrics.repository;

/** One normalized statement from pg_stat_statements; times in milliseconds. */
public record StatementStats(String database, String query, long calls, double meanMs, double maxMs, double totalMs,
                             long rows, boolean slow) {
}
