// Request parameters of Tempo's metrics endpoints (pkg/api/http.go semantics): `q` (or `query`),
// `start`/`end` as unix seconds, unix nanoseconds (more than 10 digits), fractional seconds or
// RFC3339, `since` (Prometheus duration, default 1h), `step` (seconds or Go duration), `exemplars`.
// Every bad value is a 400 naming the parameter and what was expected.
import { ApiError } from '../../errors.ts';

const NS_PER_S = 1_000_000_000n;
/** Largest int64: timestamps travel to Postgres as int8. */
const MAX_NS = 9_223_372_036_854_775_807n;
const GO_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const PROM_UNITS: Record<string, bigint> = { y: 365n * 86400n * NS_PER_S, w: 7n * 86400n * NS_PER_S, d: 86400n * NS_PER_S, h: 3600n * NS_PER_S, m: 60n * NS_PER_S, s: NS_PER_S, ms: 1_000_000n };

const bad = (name: string, got: string, expected: string) =>
  new ApiError('badRequest', `invalid ${name}: ${JSON.stringify(got.slice(0, 100))} is not ${expected}`);

/** A timestamp in unix nanoseconds. */
export function parseTimestamp(name: string, v: string): bigint {
  const expected = 'a timestamp (unix seconds, unix nanoseconds, fractional seconds or RFC3339)';
  if (/^\d{0,12}\.\d*$/.test(v) && v !== '.') {
    const [whole, frac] = v.split('.');
    // Tempo keeps millisecond precision of fractional seconds.
    const ms = Math.round(Number(`0.${frac || '0'}`) * 1000);
    return BigInt(whole || '0') * NS_PER_S + BigInt(ms) * 1_000_000n;
  }
  if (/^\d{1,19}$/.test(v)) {
    const n = v.length <= 10 ? BigInt(v) * NS_PER_S : BigInt(v);
    if (n > MAX_NS) throw bad(name, v, `${expected} before the year 2262`);
    return n;
  }
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i.exec(v);
  if (m) {
    const ms = Date.parse(`${m[1]}T${m[2]}${m[4]}`);
    if (Number.isFinite(ms)) return BigInt(ms) * 1_000_000n + BigInt((m[3] ?? '.').slice(1).padEnd(9, '0'));
  }
  throw bad(name, v, expected);
}

/** A Prometheus duration (`15m`, `1h30m`, `7d`) in nanoseconds. */
export function parsePromDuration(name: string, v: string): bigint {
  if (v === '0') return 0n;
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let total = 0n;
  let i = 0;
  while (i < v.length) {
    re.lastIndex = i;
    const m = re.exec(v);
    if (!m) throw bad(name, v, 'a duration such as 15m, 1h30m or 7d');
    total += BigInt(m[1]) * PROM_UNITS[m[2]];
    i = re.lastIndex;
  }
  if (v === '') throw bad(name, v, 'a duration such as 15m, 1h30m or 7d');
  return total;
}

/** `step`: seconds (`15`, `0.5`) or a Go duration (`15s`, `1m30s`), in nanoseconds. */
export function parseStep(v: string): bigint {
  const expected = 'a positive duration in seconds (e.g. 15) or with units (e.g. 30s, 1m)';
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) {
    const ns = Number(v) * 1e9;
    if (!Number.isFinite(ns) || ns > 9.2e18) throw bad('step', v, expected);
    if (ns <= 0) throw new ApiError('badRequest', `invalid step: must be positive, got ${JSON.stringify(v)}`);
    return BigInt(Math.round(ns));
  }
  const neg = v.startsWith('-');
  const body = neg || v.startsWith('+') ? v.slice(1) : v;
  const re = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  while (i < body.length) {
    re.lastIndex = i;
    const m = re.exec(body);
    if (!m) throw bad('step', v, expected);
    total += Number(m[1]) * GO_UNITS[m[2]];
    i = re.lastIndex;
  }
  if (body === '' || total > 9.2e18) throw bad('step', v, expected);
  if (neg || total < 1) throw new ApiError('badRequest', `invalid step: must be positive, got ${JSON.stringify(v)}`);
  return BigInt(Math.round(total));
}

/** A non-negative integer parameter, or `def` when absent. */
export function parseCount(name: string, v: string | undefined, def: number): number {
  if (v === undefined || v === '') return def;
  if (!/^\d{1,9}$/.test(v)) throw bad(name, v, 'a non-negative integer');
  return Number(v);
}

/**
 * `start`/`end`/`since` as Tempo resolves them: end defaults to now; start defaults to
 * `since` (1h) before end, or before now when end lies in the future.
 */
export function parseBounds(q: (name: string) => string | undefined, nowNs: bigint): { startNs: bigint; endNs: bigint } {
  const since = q('since') ? parsePromDuration('since', q('since')!) : 3600n * NS_PER_S;
  const endNs = q('end') ? parseTimestamp('end', q('end')!) : nowNs;
  const startNs = q('start') ? parseTimestamp('start', q('start')!) : (endNs > nowNs ? nowNs : endNs) - since;
  if (endNs <= startNs) throw new ApiError('badRequest', 'invalid end: end must be greater than start');
  return { startNs, endNs };
}
