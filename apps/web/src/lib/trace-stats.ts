// Trace statistics, as Jaeger's "Trace Statistics" view gives them: spans grouped by service,
// operation or both, with their durations and self times. Self time is the part of a span during
// which none of its children was running: what the span itself spent, the number to look at
// when asking where the time of a trace went.
import type { SpanNode, TraceModel } from './trace-model.ts';

/** The span fields self time is computed from. */
interface SelfTimeSpan {
  start: number;
  end: number;
  duration: number;
  children: number[];
}

/**
 * Self time of every span, by span index, in microseconds: its duration minus the union of its
 * children's intervals clipped to the span. Overlapping children (parallel calls) are counted
 * once, and a child running past its parent (clock skew, async work) only counts while the
 * parent runs, so self time is never negative.
 */
export function selfTimes(spans: readonly SelfTimeSpan[]): Float64Array {
  const out = new Float64Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (s.children.length === 0) {
      out[i] = s.duration;
      continue;
    }
    const parts: Array<[number, number]> = [];
    for (const c of s.children) {
      const lo = Math.max(spans[c].start, s.start);
      const hi = Math.min(spans[c].end, s.end);
      if (hi > lo) parts.push([lo, hi]);
    }
    parts.sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let curLo = -Infinity;
    let curHi = -Infinity;
    for (const [lo, hi] of parts) {
      if (lo > curHi) {
        if (curHi > curLo) covered += curHi - curLo;
        curLo = lo;
        curHi = hi;
      } else if (hi > curHi) curHi = hi;
    }
    if (curHi > curLo) covered += curHi - curLo;
    out[i] = Math.max(0, s.duration - covered);
  }
  return out;
}

export const STATS_GROUPINGS = ['service', 'operation', 'service-operation'] as const;
export type StatsGrouping = (typeof STATS_GROUPINGS)[number];

export interface StatsRow {
  /** Unique within one grouping. */
  key: string;
  /** Empty when grouping by operation alone. */
  service: string;
  /** Empty when grouping by service alone. */
  operation: string;
  count: number;
  errors: number;
  /** Durations in microseconds. */
  total: number;
  avg: number;
  min: number;
  max: number;
  selfTotal: number;
  selfAvg: number;
  selfMin: number;
  selfMax: number;
  /** Self time as a percentage of the group's total duration (Jaeger's "ST in Duration"). */
  selfPercent: number;
  /** The group's share of all self time in the trace, in percent: where the trace's time went. */
  traceSharePercent: number;
}

function keyOf(s: SpanNode, by: StatsGrouping): [string, string, string] {
  if (by === 'service') return [s.service, s.service, ''];
  if (by === 'operation') return [s.name, '', s.name];
  // A separator no service or span name is expected to hold, so pairs cannot collide.
  return [`${s.service}\u0000${s.name}`, s.service, s.name];
}

/** Statistics per group; rows come largest self time first. */
export function traceStats(model: TraceModel, by: StatsGrouping, self: Float64Array = selfTimes(model.spans)): StatsRow[] {
  const groups = new Map<string, StatsRow>();
  let allSelf = 0;
  for (const s of model.spans) {
    const st = self[s.index];
    allSelf += st;
    const [key, service, operation] = keyOf(s, by);
    let g = groups.get(key);
    if (!g) {
      g = {
        key, service, operation, count: 0, errors: 0,
        total: 0, avg: 0, min: Infinity, max: -Infinity,
        selfTotal: 0, selfAvg: 0, selfMin: Infinity, selfMax: -Infinity,
        selfPercent: 0, traceSharePercent: 0,
      };
      groups.set(key, g);
    }
    g.count++;
    if (s.isError) g.errors++;
    g.total += s.duration;
    g.min = Math.min(g.min, s.duration);
    g.max = Math.max(g.max, s.duration);
    g.selfTotal += st;
    g.selfMin = Math.min(g.selfMin, st);
    g.selfMax = Math.max(g.selfMax, st);
  }
  const rows = [...groups.values()];
  for (const g of rows) {
    g.avg = g.total / g.count;
    g.selfAvg = g.selfTotal / g.count;
    g.selfPercent = g.total > 0 ? (g.selfTotal / g.total) * 100 : 0;
    g.traceSharePercent = allSelf > 0 ? (g.selfTotal / allSelf) * 100 : 0;
  }
  return rows.sort((a, b) => b.selfTotal - a.selfTotal || a.key.localeCompare(b.key));
}

export type StatsColumn = Exclude<keyof StatsRow, 'key'>;

/** Rows sorted by one column; text columns sort A→Z ascending, ties keep the key order. */
export function sortStats(rows: readonly StatsRow[], column: StatsColumn, dir: 'asc' | 'desc'): StatsRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[column];
    const y = b[column];
    const c = typeof x === 'string' ? x.localeCompare(y as string) : (x as number) - (y as number);
    return c * sign || a.key.localeCompare(b.key);
  });
}
