// A tiny reference for TraceQL metrics over spans held in memory: what /api/metrics/query_range
// and /api/metrics/query must answer, computed straight from the spans a test sent (never from
// the SQL), with Tempo's rules written out by hand: intervals are right-closed `(t - step, t]`
// on step-aligned timestamps from the aligned start (one extra interval before it) to the
// aligned end; instant windows are [start, end]; quantiles are the exact value of rank
// max(1, ceil(p * n)).
import type { AnyValue, TracesData } from '@tracegres/otlp';
import { createRng } from '@tracegres/loadgen';

export interface RefSpan {
  traceId: string;
  spanId: string;
  service: string;
  env: string;
  name: string;
  kind: number;
  status: number;
  startNs: bigint;
  durNs: bigint;
  attrs: Record<string, AnyValue>;
}

/** A label as the API writes it, in canonical text: `key=<OTLP JSON value>`. */
export const lbl = (key: string, value: Record<string, unknown>) => `${key}=${JSON.stringify(value)}`;
export const s = (v: string) => ({ stringValue: v });
export const d = (v: number) => ({ doubleValue: v });

/** Expected series: canonical label text (labels joined by `,` in order) -> timestampMs -> value. */
export type Expected = Map<string, Map<string, number>>;

export interface RangeSpec {
  pred: (sp: RefSpan) => boolean;
  /** The series labels of a span (in order), or null to leave the span out. */
  labels: (sp: RefSpan) => string[] | null;
  /** The value of an interval's spans; NaN = no sample. Called only for non-empty intervals. */
  agg: (spans: RefSpan[]) => number;
  /** Value of an interval without spans (Tempo: 0 for counts and quantiles, none otherwise). */
  empty: number;
}

const MS = 1_000_000n;

/** Expected range answer for [startNs, endNs] with step. */
export function expectRange(spans: RefSpan[], spec: RangeSpec, startNs: bigint, endNs: bigint, stepNs: bigint): Expected {
  const alignedStart = (startNs / stepNs) * stepNs;
  const alignedEnd = ((endNs + stepNs - 1n) / stepNs) * stepNs;
  const stamps: bigint[] = [];
  for (let t = alignedStart; t <= alignedEnd; t += stepNs) stamps.push(t);
  const groups = new Map<string, RefSpan[]>();
  for (const sp of spans) {
    if (!spec.pred(sp)) continue;
    const l = spec.labels(sp);
    if (!l) continue;
    const k = l.join(',');
    groups.set(k, [...(groups.get(k) ?? []), sp]);
  }
  const out: Expected = new Map();
  for (const [k, members] of groups) {
    const samples = new Map<string, number>();
    let any = false;
    for (const t of stamps) {
      const inside = members.filter((sp) => sp.startNs > t - stepNs && sp.startNs <= t);
      if (inside.length) any = true;
      const v = inside.length ? spec.agg(inside) : spec.empty;
      if (!Number.isNaN(v)) samples.set((t / MS).toString(), v);
    }
    if (any && samples.size) out.set(k, samples);
  }
  return out;
}

/** Expected instant answer: canonical labels -> value, spans in [startNs, endNs]. */
export function expectInstant(spans: RefSpan[], spec: RangeSpec, startNs: bigint, endNs: bigint): Map<string, number> {
  const groups = new Map<string, RefSpan[]>();
  for (const sp of spans) {
    if (sp.startNs < startNs || sp.startNs > endNs || !spec.pred(sp)) continue;
    const l = spec.labels(sp);
    if (l) groups.set(l.join(','), [...(groups.get(l.join(',')) ?? []), sp]);
  }
  const out = new Map<string, number>();
  for (const [k, members] of groups) {
    const v = spec.agg(members);
    if (!Number.isNaN(v)) out.set(k, v);
  }
  return out;
}

/** Exact quantile by Tempo's rank rule. */
export function quantile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

/** Tempo's log2 bucket upper bound: the smallest power of two >= v (v >= 2). */
export function log2Bucket(v: bigint): number {
  let e = 0;
  while (1n << BigInt(e) < v) e++;
  return 2 ** e;
}

export const numAttr = (sp: RefSpan, k: string): number | null => {
  const a = sp.attrs[k];
  return a?.type === 'int' ? Number(a.value) : a?.type === 'double' ? a.value : null;
};

/** A deterministic dataset: `n` traces of 3 spans starting in [baseNs, baseNs + spreadNs). */
export function makeSpans(baseNs: bigint, spreadNs: bigint, n: number, seed: number): RefSpan[] {
  const rng = createRng(seed);
  const out: RefSpan[] = [];
  const services = ['api', 'db', 'web'];
  for (let t = 0; t < n; t++) {
    const traceId = (0xabc000 + t).toString(16).padStart(32, '0');
    // Every 7th trace starts exactly on a minute boundary: right-closed intervals matter there.
    const start = t % 7 === 0 ? baseNs + BigInt(t % 10) * 60_000_000_000n : baseNs + BigInt(Math.floor(rng.float() * Number(spreadNs / MS))) * MS;
    for (let k = 0; k < 3; k++) {
      const attrs: Record<string, AnyValue> = {};
      if (rng.float() < 0.7) attrs.region = { type: 'string', value: rng.float() < 0.5 ? 'eu' : 'us' };
      if (k === 0) attrs['http.status_code'] = { type: 'int', value: BigInt([200, 200, 404, 500][Math.floor(rng.float() * 4)]) };
      if (rng.float() < 0.8) attrs['app.ratio'] = { type: 'double', value: Math.round(rng.float() * 1000) / 100 };
      // Durations from 1 ns to ~2 s, some exactly powers of two (bucket edges).
      const dur = rng.float() < 0.2 ? 2n ** BigInt(10 + Math.floor(rng.float() * 20)) : BigInt(1 + Math.floor(rng.float() ** 3 * 2e9));
      out.push({
        traceId, spanId: (t * 3 + k + 1).toString(16).padStart(16, '0'), service: services[(t + k) % 3], env: t % 2 ? 'prod' : 'staging',
        name: ['GET /a', 'GET /b', 'query'][(t * 3 + k) % 3], kind: [2, 3, 1][k], status: rng.float() < 0.2 ? 2 : k === 2 ? 1 : 0,
        startNs: start + BigInt(k) * 1_000_000n, durNs: dur, attrs,
      });
    }
  }
  return out;
}

/** The spans as OTLP, one resource per (trace, service). */
export function toTracesData(spans: RefSpan[]): TracesData {
  const groups = new Map<string, RefSpan[]>();
  for (const sp of spans) groups.set(`${sp.service}|${sp.env}`, [...(groups.get(`${sp.service}|${sp.env}`) ?? []), sp]);
  return {
    resourceSpans: [...groups.values()].map((ss) => ({
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: ss[0].service } }, { key: 'env', value: { type: 'string', value: ss[0].env } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{
        scope: { name: 'ref', version: '1', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '',
        spans: ss.map((sp) => ({
          traceId: sp.traceId, spanId: sp.spanId, parentSpanId: '', traceState: '', name: sp.name, kind: sp.kind as 1,
          startTimeUnixNano: sp.startNs, endTimeUnixNano: sp.startNs + sp.durNs,
          attributes: Object.entries(sp.attrs).map(([key, value]) => ({ key, value })), droppedAttributesCount: 0,
          events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { code: sp.status as 0, message: '' }, flags: 0,
        })),
      }],
    })),
  };
}
