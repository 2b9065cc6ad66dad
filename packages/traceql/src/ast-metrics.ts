/**
 * The metrics part of the TraceQL AST (see ast.ts, which re-exports it): first-stage functions
 * (`rate()` … `compare()`), second stages (`topk`, `bottomk`, comparisons) and arithmetic between
 * metrics queries.
 */
import type { AttributeRef, ComparisonOp, NumericStatic, Pipeline, Pos, SpansetFilter, StaticFloat, StaticInt } from './ast.ts';

/** Metrics first-stage functions other than `compare()`. */
export const METRICS_FUNCTIONS = [
  'rate',
  'count_over_time',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'sum_over_time',
  'quantile_over_time',
  'histogram_over_time',
] as const;
export type MetricsFn = (typeof METRICS_FUNCTIONS)[number];

/**
 * `rate()`, `count_over_time()` (attr null), `sum_over_time(attr)` … `quantile_over_time(attr, q…)`
 * (`quantiles` non-empty only there), each with optional `by (attr, …)` (`by` empty when absent).
 */
export interface MetricsAggregate {
  kind: 'metricsAggregate';
  fn: MetricsFn;
  attr: AttributeRef | null;
  quantiles: number[];
  by: AttributeRef[];
  pos: Pos;
}

/** `compare({filter}[, topN[, start, end]])`; absent arguments are null (Tempo's topN default is 10). */
export interface MetricsCompare {
  kind: 'compare';
  filter: SpansetFilter;
  topN: bigint | null;
  start: bigint | null;
  end: bigint | null;
  pos: Pos;
}

export type MetricsFirstStage = MetricsAggregate | MetricsCompare;

/** `| topk(n)` / `| bottomk(n)`. */
export interface TopK {
  kind: 'topK';
  fn: 'topk' | 'bottomk';
  limit: bigint;
  pos: Pos;
}

/** A comparison on metric values, `> 10`, `<= 1s` (value folded to a single static). */
export interface MetricsFilter {
  kind: 'metricsFilter';
  op: ComparisonOp;
  value: NumericStatic;
  pos: Pos;
}

/** Second stages, applied left to right. */
export type SecondStage = TopK | MetricsFilter;

/** `pipeline | firstStage [secondStages]`. */
export interface MetricsQuery {
  kind: 'metricsQuery';
  pipeline: Pipeline;
  first: MetricsFirstStage;
  second: SecondStage[];
  pos: Pos;
}

/**
 * Arithmetic between parenthesised metrics queries and scalars (`(a) / (b)`, `100 * (a)`).
 * At least one side is a MetricsExpr; scalars are ints or floats (durations are rejected).
 * `second` holds second stages applied to the result (only at the top level: `(a) + (b) | topk(5)`).
 */
export interface MetricsBinary {
  kind: 'metricsBinary';
  op: '+' | '-' | '*' | '/';
  lhs: MetricsOperand;
  rhs: MetricsOperand;
  second: SecondStage[];
  pos: Pos;
  opPos: Pos;
}

export type MetricsExpr = MetricsQuery | MetricsBinary;
export type MetricsOperand = MetricsExpr | StaticInt | StaticFloat;
