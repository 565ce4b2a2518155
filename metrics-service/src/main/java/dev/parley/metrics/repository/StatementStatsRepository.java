package dev.parley.metrics.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * Slowest statements by mean execution time from {@code pg_stat_statements}. The extension must be
 * created in the database and loaded through {@code shared_preload_libraries}; when either is
 * missing the answer says so instead of failing.
 */
@Singleton
public class StatementStatsRepository {

    /** Statements slower than this on average are flagged (the dashboard shows them red). */
    public static final double SLOW_MS = 500;

    private static final String SLOWEST = """
            SELECT d.datname, left(s.query, 500) AS query, s.calls, s.mean_exec_time, s.max_exec_time,
                   s.total_exec_time, s.rows
            FROM pg_stat_statements s LEFT JOIN pg_database d ON d.oid = s.dbid
            ORDER BY s.mean_exec_time DESC
            LIMIT $1""";

    private final Pool pool;

    public StatementStatsRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<StatementReport> slowest(int limit) {
        return pool.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'").execute()
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(StatementReport.notAvailable(
                                "pg_stat_statements is not installed in this database "
                                        + "(CREATE EXTENSION pg_stat_statements; it also needs shared_preload_libraries)"));
                    }
                    return pool.preparedQuery(SLOWEST).execute(Tuple.of(limit)).map(result -> {
                        List<StatementStats> out = new ArrayList<>();
                        for (Row r : result) {
                            double mean = r.getDouble("mean_exec_time");
                            out.add(new StatementStats(r.getString("datname"), r.getString("query"), r.getLong("calls"),
                                    mean, r.getDouble("max_exec_time"), r.getDouble("total_exec_time"),
                                    r.getLong("rows"), mean > SLOW_MS));
                        }
                        return new StatementReport(true, null, List.copyOf(out));
                    });
                })
                .onFailure().recoverWithItem(e -> StatementReport.notAvailable(
                        "pg_stat_statements is not readable: " + e.getMessage()));
    }
}
