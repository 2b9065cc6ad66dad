// Runs a TraceQL metrics query: the aggregate (and exemplar) statements inside one read
// transaction with a statement timeout, then series assembly, the second stages, and the
// series limit. Aggregates come from a MetricsSource: today only raw spans (exact answers).
import type { Db, Queryable } from '@tracegres/schema';
import {
  type MetricsAggregateRow,
  type MetricsCompareRow,
  type MetricsExemplarRow,
  type MetricsPlan,
  type MetricsSqlOptions,
  type MetricsWindow,
  TraceQLUnsupportedError,
  compileMetricsAggregate,
  compileMetricsCompare,
  compileMetricsExemplars,
} from '@tracegres/traceql';
import { ApiError } from '../errors.ts';
import { buildCompareSeries } from './metrics-compare.ts';
import type { MetricsResult } from './metrics-json.ts';
import { applySecondStages } from './metrics-second-stage.ts';
import { type Series, attachExemplars, buildSeries } from './metrics-series.ts';

/**
 * Where per-(series, interval) aggregates come from. The raw-span source answers every plan
 * exactly. A rollup source (the per-minute span metrics of DESIGN §6) can be put in front of it
 * later: it accepts only plans whose filters and by() read rolled-up dimensions (service, span
 * name, kind, status), whose function its sketches can answer, and whose window and step are
 * minute-aligned, and returns the same rows, so series assembly does not change.
 */
export interface MetricsSource {
  readonly name: string;
  accepts(plan: MetricsPlan, window: MetricsWindow): boolean;
  aggregate(tx: Queryable, plan: MetricsPlan, o: MetricsSqlOptions): Promise<MetricsAggregateRow[]>;
}

/** Exact aggregates over the stored spans. */
export const rawSpanSource: MetricsSource = {
  name: 'raw-spans',
  accepts: () => true,
  async aggregate(tx, plan, o) {
    const sql = compileMetricsAggregate(plan, o);
    return tx.query<MetricsAggregateRow>(sql.text, sql.params);
  },
};

export interface MetricsRun {
  plan: MetricsPlan;
  window: MetricsWindow;
  tenantId: number;
  maxSeries: number;
  /** Exemplars wanted (range queries only; 0 = none). */
  exemplars: number;
  timeoutMs: number;
}

const partialMessage = (n: number) => `Response exceeds maximum series limit of ${n}, a partial response is returned.`;

async function firstStage(tx: Queryable, r: MetricsRun, sources: MetricsSource[]): Promise<MetricsResult> {
  const o: MetricsSqlOptions = { tenantId: r.tenantId, window: r.window, maxSeries: r.maxSeries };
  if (r.plan.compare) {
    const sql = compileMetricsCompare(r.plan, o);
    const rows = await tx.query<MetricsCompareRow>(sql.text, sql.params);
    const series = buildCompareSeries(rows, r.window, r.plan.compare.topN);
    if (series.length <= r.maxSeries) return { series };
    return { series: series.slice(0, r.maxSeries), partialMessage: partialMessage(r.maxSeries) };
  }
  const source = sources.find((s) => s.accepts(r.plan, r.window)) ?? rawSpanSource;
  const rows = await source.aggregate(tx, r.plan, o);
  const partial = rows.some((x) => x.sk > r.maxSeries);
  const byKey = buildSeries(r.plan, r.window, partial ? rows.filter((x) => x.sk <= r.maxSeries) : rows);
  if (r.exemplars > 0 && !r.window.instant && byKey.size > 0) {
    const buckets = Math.max(1, Math.floor(r.exemplars / 2));
    const sql = compileMetricsExemplars(r.plan, o, buckets);
    const candidates = await tx.query<MetricsExemplarRow>(sql.text, sql.params);
    attachExemplars(r.plan, byKey, candidates, r.exemplars);
  }
  const series: Series[] = [...byKey.values()].flat();
  return partial ? { series, partialMessage: partialMessage(r.maxSeries) } : { series };
}

/** Runs a metrics query; 400 for what the compiler cannot run, 504 past its time limit (Postgres' statement timeout). */
export async function runMetrics(db: Db, r: MetricsRun, sources: MetricsSource[] = [rawSpanSource]): Promise<MetricsResult> {
  try {
    const result = await db.transaction(async (tx) => {
      if (db.driver === 'postgres') {
        await tx.query(`set local statement_timeout = ${Math.max(1, Math.floor(r.timeoutMs))}`);
        // Grouping millions of (attribute, value) rows (compare()) by sorting text took twice as
        // long as hashing them, which the default 4 MB work_mem does not allow.
        await tx.query(`set local work_mem = '64MB'`);
      }
      return firstStage(tx, r, sources);
    });
    const series = applySecondStages(result.series, r.plan.second, r.window.intervals);
    // Tempo's order is a map's; sorting by labels makes responses repeatable.
    series.sort((a, b) => (a.prom < b.prom ? -1 : a.prom > b.prom ? 1 : 0));
    return { ...result, series };
  } catch (err) {
    // Found only while compiling (a regex outside the supported subset, say): the query's fault, as in search.
    if (err instanceof TraceQLUnsupportedError) throw new ApiError('badRequest', err.message);
    if ((err as { code?: string }).code === '57014') {
      throw new ApiError('timeout', `metrics query exceeded its time limit of ${Math.round(r.timeoutMs / 1000)}s; narrow the time range or the query`);
    }
    throw err;
  }
}
