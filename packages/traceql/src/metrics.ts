/**
 * TraceQL metrics: the plan of a metrics query, Tempo's time arithmetic (default step, aligned
 * intervals) and the SQL that evaluates it over raw spans. The API executes the SQL and shapes
 * Tempo's responses (apps/api/src/storage/metrics-*.ts).
 */
export { planMetrics, type MetricsColumn, type MetricsColumnKind, type MetricsPlan } from './metrics-plan.ts';
export { defaultStepNs, instantWindow, intervalOf, intervalTimestampMs, rangeWindow, type MetricsWindow } from './metrics-time.ts';
export {
  compileMetricsAggregate,
  compileMetricsExemplars,
  type MetricsAggregateRow,
  type MetricsExemplarRow,
  type MetricsSqlOptions,
} from './metrics-sql.ts';
export { compileMetricsCompare, type MetricsCompareRow } from './metrics-compare-sql.ts';
