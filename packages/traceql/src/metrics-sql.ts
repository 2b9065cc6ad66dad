/**
 * Compiles a metrics plan into parameterised SQL over the raw spans (`spans`, with `resources`,
 * `scopes` and the `traces` summary joined only when the query reads them). Exact answers: every
 * span whose start time lies in the window and that matches the filters is aggregated.
 *
 * The aggregate statement returns one row per (series, interval) — series are identified by the
 * JSON array of their group-by keys, ranked so the caller can stop at a series limit; the
 * executor turns rows into Tempo's series. Quantiles are exact (`percentile_disc`: the value of
 * rank max(1, ceil(p * n)), Tempo's rank rule without its log2 bucket approximation).
 */
import { Params, boolExpr } from './compile-fields.ts';
import type { CompiledSql } from './compile-sql.ts';
import { bucketExponentSql, groupKeySql, valueSql } from './metrics-fields.ts';
import type { MetricsPlan } from './metrics-plan.ts';
import type { MetricsWindow } from './metrics-time.ts';

/** What a metrics statement is bounded by. */
export interface MetricsSqlOptions {
  tenantId: number;
  window: MetricsWindow;
  /** At most this many series (+1, so the caller can tell the limit was reached). */
  maxSeries: number;
}

/** One row of {@link compileMetricsAggregate}: an interval of a series. */
export interface MetricsAggregateRow {
  /** 1-based rank of the series (by its keys). */
  sk: number;
  /** Interval index. */
  i: number;
  /** JSON array of the group-by keys as text or null (then the bucket exponent for histograms). */
  g: string;
  /** Spans counted; spans with a value. */
  c: string;
  cv: string;
  /** Sum, min, max of the values (numeric text, nanoseconds for durations), null when none. */
  sm: string | null;
  mn: string | null;
  mx: string | null;
  /** quantile_over_time: JSON array of the exact quantiles, in the plan's order. */
  q: string | null;
}

/** One row of {@link compileMetricsExemplars}: a candidate exemplar span. */
export interface MetricsExemplarRow {
  trace_id: string;
  span_id: string;
  start_ns: string;
  i: number;
  g: string;
  v: string | null;
  /** Exemplar time bucket. */
  eb: number;
}

/**
 * The spans of the window as relation `s`: span columns plus what the compiled expressions read
 * (`p.uses`, or `s.r_attrs` / `s.t_*` / `s.sc_*` in `sqlSoFar`): resource attributes, events,
 * links, instrumentation scope, trace summary. Call after compiling every expression.
 */
export function spanRelation(p: Params, o: { tenantId: number; window: MetricsWindow }, sqlSoFar: string): { sql: string; from: string } {
  const tenant = p.add(o.tenantId, 'int4');
  const from = p.add(o.window.fromNs.toString(), 'int8');
  const to = p.add(o.window.toNs.toString(), 'int8');
  const cols = ['s.trace_id', 's.span_id', 's.parent_span_id', 's.start_ns', 's.duration_ns', 's.name', 's.kind', 's.status_code', 's.status_message', 's.attrs', 's.resource_id'];
  const joins: string[] = [];
  if (sqlSoFar.includes('s.r_attrs')) {
    cols.push('r.attrs as r_attrs');
    joins.push('left join resources r on r.tenant_id = s.tenant_id and r.resource_id = s.resource_id');
  }
  if (p.uses.has('events') || sqlSoFar.includes('s.events')) cols.push('s.events');
  if (p.uses.has('links') || sqlSoFar.includes('s.links')) cols.push('s.links');
  if (p.uses.has('scope') || sqlSoFar.includes('s.sc_')) {
    cols.push('sc.name as sc_name', 'sc.version as sc_version', 'sc.attrs as sc_attrs');
    joins.push('left join scopes sc on sc.tenant_id = s.tenant_id and sc.scope_id = s.scope_id');
  }
  if (sqlSoFar.includes('s.t_')) {
    cols.push('t.t_start_ns', 't.t_end_ns', 't.t_root_name', 't.t_root_service');
    joins.push(
      `left join (select trace_id, min(start_ns) as t_start_ns, max(end_ns) as t_end_ns, max(root_name) as t_root_name, ` +
        `max(root_service) as t_root_service from traces where tenant_id = ${tenant} and start_ns <= ${to} and end_ns >= ${from} ` +
        `group by trace_id) t on t.trace_id = s.trace_id`,
    );
  }
  const sql =
    `select ${cols.join(', ')} from span_rows(${tenant}, ${from}, ${to}) s ${joins.join(' ')} ` +
    `where s.tenant_id = ${tenant} and s.start_ns >= ${from} and s.start_ns <= ${to}`;
  return { sql, from };
}

/** Interval index of `s.start_ns`. */
function intervalSql(p: Params, w: MetricsWindow, from: string): string {
  return w.instant ? '0' : `((s.start_ns - ${from}) / ${p.add(w.stepNs.toString(), 'int8')})::int4`;
}

/** The per-span part shared by aggregates and exemplars: interval, keys, value, filter. */
function matchedSpans(plan: MetricsPlan, o: MetricsSqlOptions, extraCols: string): { p: Params; sql: string } {
  const p = new Params();
  const conds = plan.filters.map((f) => boolExpr(f, p));
  const keys = plan.by.map((c) => groupKeySql(c, p));
  const v = plan.value ? valueSql(plan.value, p) : 'null::numeric';
  if (plan.fn === 'histogram_over_time') {
    const e = plan.value ? bucketExponentSql(plan.value, p) : 'null';
    keys.push(`(${e})::text`);
    conds.push(`(${e}) is not null`);
  }
  if (plan.fn === 'quantile_over_time') conds.push(`(${v}) is not null`);
  const soFar = [...conds, ...keys, v].join(' ');
  const rel = spanRelation(p, o, soFar);
  const i = intervalSql(p, o.window, rel.from);
  const sql =
    `select ${i} as i, json_build_array(${keys.join(', ')})::text as g, ${v} as v${extraCols} ` +
    `from (${rel.sql}) s${conds.length ? ` where ${conds.join(' and ')}` : ''}`;
  return { p, sql };
}

/**
 * The aggregate statement of a (non-compare) metrics plan: rows of {@link MetricsAggregateRow}
 * ordered by series rank and interval, only for the first `maxSeries + 1` series.
 */
export function compileMetricsAggregate(plan: MetricsPlan, o: MetricsSqlOptions): CompiledSql {
  const { p, sql } = matchedSpans(plan, o, '');
  const q = plan.quantiles.length
    ? `, to_json(percentile_disc(${p.add(plan.quantiles, 'float8[]')}) within group (order by v))::text as q`
    : ', null::text as q';
  const max = p.add(o.maxSeries + 1, 'int4');
  const text =
    `with m as (${sql}),\n` +
    `a as (select g, i, count(*) as c, count(v) as cv, sum(v) as sm, min(v) as mn, max(v) as mx${q} from m group by g, i),\n` +
    `r as (select a.*, dense_rank() over (order by g) as sk from a)\n` +
    `select sk::int4 as sk, i, g, c::text as c, cv::text as cv, sm::text as sm, mn::text as mn, mx::text as mx, q ` +
    `from r where sk <= ${max} order by sk, i`;
  return { text, params: p.values };
}

/**
 * Candidate exemplars: per exemplar time bucket (`buckets` equal slices of the window), the
 * earliest few matching spans; the executor keeps at most two per bucket and one per trace.
 */
export function compileMetricsExemplars(plan: MetricsPlan, o: MetricsSqlOptions, buckets: number): CompiledSql {
  const { p, sql } = matchedSpans(plan, o, ', s.trace_id, s.span_id, s.start_ns');
  const width = (o.window.toNs - o.window.fromNs + 1n) / BigInt(buckets) || 1n;
  const eb = `least((start_ns - ${p.add(o.window.fromNs.toString(), 'int8')}) / ${p.add(width.toString(), 'int8')}, ${p.add(buckets - 1, 'int8')})::int4`;
  const text =
    `with m as (${sql}),\n` +
    `c as (select m.*, ${eb} as eb from m),\n` +
    `r as (select c.*, row_number() over (partition by eb order by start_ns, span_id) as rn from c)\n` +
    `select trace_id::text as trace_id, encode(span_id, 'hex') as span_id, start_ns::text as start_ns, i, g, v::text as v, eb ` +
    `from r where rn <= 8 order by start_ns, span_id`;
  return { text, params: p.values };
}
