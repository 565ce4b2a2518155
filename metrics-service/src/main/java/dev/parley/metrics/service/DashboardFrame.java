package dev.parley.metrics.service;

import dev.parley.metrics.collector.LagReport;
import dev.parley.metrics.collector.TraceStore;
import dev.parley.metrics.repository.StatementReport;
import dev.parley.metrics.slo.SloSnapshot;
import java.util.List;

/** Everything the live dashboard shows, pushed once per tick. */
public record DashboardFrame(long at, List<ServiceView> services, List<SloSnapshot> slos, List<SloSnapshot> alerts,
                             LagReport lag, StatementReport statements,
                             TraceStore.Waterfall trace) {
}
