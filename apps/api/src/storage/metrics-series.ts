// Aggregate rows (one per series and interval, from metrics-sql.ts) into Tempo's series: labels
// by Tempo's conventions and one value per interval. Which intervals of a series hold 0 and
// which hold nothing follows Tempo's engine: counts (rate, count_over_time, histogram buckets)
// and quantiles are 0 where no span fell; sum/min/max/avg have no sample there.
import type { MetricsAggregateRow, MetricsExemplarRow, MetricsPlan, MetricsWindow } from '@tracegres/traceql';
import { type Label, columnValue, dbl, promLabels, str } from './metrics-labels.ts';

export interface Exemplar {
  labels: Label[];
  value: number;
  timestampMs: bigint;
}

export interface Series {
  labels: Label[];
  /** One value per interval; NaN = no sample. */
  values: number[];
  exemplars: Exemplar[];
  /** Prometheus-style text of the labels: output field, sort key and tie-breaker. */
  prom: string;
}

/** Tempo reports durations in seconds (ns / 1e9, as it divides); aggregates come back in nanoseconds. */
const scaler = (plan: MetricsPlan) => (plan.valueIsDuration ? (v: number) => v / 1e9 : (v: number) => v);

const num = (s: string | null): number => (s === null ? NaN : Number(s));

/** Labels of the group-by values that are present (Tempo drops nil values). */
function byLabels(plan: MetricsPlan, keys: (string | null)[]): Label[] {
  const labels: Label[] = [];
  plan.by.forEach((c, j) => {
    if (keys[j] !== null) labels.push({ key: c.label, value: columnValue(c.kind, keys[j]!) });
  });
  return labels;
}

/** The labels of a series from its group-by keys (plus the bucket exponent for histograms). */
function labelsOf(plan: MetricsPlan, keys: (string | null)[]): Label[] {
  const labels = byLabels(plan, keys);
  if (plan.fn === 'histogram_over_time') {
    labels.push({ key: '__bucket', value: dbl(scaler(plan)(2 ** Number(keys[plan.by.length]))) });
    return labels;
  }
  if (labels.length === 0 && plan.fn !== 'quantile_over_time') {
    // Tempo: an ungrouped query is named after its function; all-nil groups keep the first label as "nil".
    return plan.by.length ? [{ key: plan.by[0].label, value: str('nil') }] : [{ key: '__name__', value: str(plan.fn) }];
  }
  return labels;
}

function makeSeries(labels: Label[], intervals: number, init: number): Series {
  return { labels, values: new Array<number>(intervals).fill(init), exemplars: [], prom: promLabels(labels) };
}

/** Series of a non-compare plan, keyed by the row's `g` (quantiles: one series per quantile). */
export function buildSeries(plan: MetricsPlan, w: MetricsWindow, rows: MetricsAggregateRow[]): Map<string, Series[]> {
  const out = new Map<string, Series[]>();
  const scale = scaler(plan);
  const stepSeconds = Number(w.stepNs) / 1e9;
  const counts = plan.fn === 'rate' || plan.fn === 'count_over_time' || plan.fn === 'histogram_over_time';
  for (const r of rows) {
    let ss = out.get(r.g);
    if (!ss) {
      const labels = labelsOf(plan, JSON.parse(r.g) as (string | null)[]);
      ss =
        plan.fn === 'quantile_over_time'
          ? plan.quantiles.map((p) => makeSeries([...labels, { key: 'p', value: dbl(p) }], w.intervals, 0))
          : [makeSeries(labels, w.intervals, counts ? 0 : NaN)];
      out.set(r.g, ss);
    }
    if (r.i < 0 || r.i >= w.intervals) continue;
    switch (plan.fn) {
      case 'rate':
        ss[0].values[r.i] = Number(r.c) / stepSeconds;
        break;
      case 'count_over_time':
      case 'histogram_over_time':
        ss[0].values[r.i] = Number(r.c);
        break;
      case 'sum_over_time':
        ss[0].values[r.i] = scale(num(r.sm));
        break;
      case 'min_over_time':
        ss[0].values[r.i] = scale(num(r.mn));
        break;
      case 'max_over_time':
        ss[0].values[r.i] = scale(num(r.mx));
        break;
      case 'avg_over_time':
        ss[0].values[r.i] = Number(r.cv) > 0 ? scale(num(r.sm)) / Number(r.cv) : NaN;
        break;
      case 'quantile_over_time': {
        const qs = r.q === null ? [] : (JSON.parse(r.q) as (number | null)[]);
        ss.forEach((s, j) => (s.values[r.i] = qs[j] == null ? 0 : scale(qs[j]!)));
        break;
      }
    }
  }
  return out;
}

/**
 * Attaches exemplars: from the candidates (ordered by time, grouped in time buckets), at most
 * two per bucket, one per trace and `limit` in all, as Tempo spreads them. An exemplar joins the
 * series of its span (for quantiles the one whose value is closest) and is dropped where that
 * series has no sample. Labels: the span's group-by values, `trace:id` and `span:id`.
 */
export function attachExemplars(plan: MetricsPlan, series: Map<string, Series[]>, rows: MetricsExemplarRow[], limit: number): void {
  const perBucket = new Map<number, number>();
  const traces = new Set<string>();
  let taken = 0;
  const countsOnly = plan.fn === 'rate' || plan.fn === 'count_over_time' || plan.fn === 'histogram_over_time';
  for (const r of rows) {
    if (taken >= limit) break;
    if ((perBucket.get(r.eb) ?? 0) >= 2 || traces.has(r.trace_id)) continue;
    const ss = series.get(r.g);
    if (!ss) continue;
    const value = countsOnly ? NaN : scaler(plan)(num(r.v));
    let s = ss[0];
    for (const c of ss) if (Math.abs(c.values[r.i] - value) < Math.abs(s.values[r.i] - value)) s = c;
    if (Number.isNaN(s.values[r.i])) continue;
    perBucket.set(r.eb, (perBucket.get(r.eb) ?? 0) + 1);
    traces.add(r.trace_id);
    taken++;
    const labels = byLabels(plan, JSON.parse(r.g) as (string | null)[]);
    labels.push({ key: 'trace:id', value: str(r.trace_id.replace(/-/g, '').replace(/^0+/, '') || '0') });
    labels.push({ key: 'span:id', value: str(r.span_id) });
    s.exemplars.push({ labels, value, timestampMs: BigInt(r.start_ns) / 1_000_000n });
  }
}
