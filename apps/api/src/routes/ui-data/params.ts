// Query parameters of the UI's rollup endpoints. The rollups are per minute, so a window is
// widened to whole minutes and the answer says which window it covers; every bad value is a 400
// naming the parameter.
import { ApiError } from '../../errors.ts';
import { parseTimestamp } from '../metrics/params.ts';

const NS_PER_S = 1_000_000_000n;
export const MINUTE_NS = 60n * NS_PER_S;
/** The longest window the pages may ask for: a month of per-minute rows is still one scan. */
const MAX_WINDOW_NS = 31n * 86_400n * NS_PER_S;
/** Enough points for any chart; more would only be drawn on top of each other. */
const MAX_POINTS = 1500;

export interface Window {
  /** Whole minutes: fromNs and toNs are multiples of a minute. */
  fromNs: bigint;
  toNs: bigint;
}

/** `start`/`end` (unix seconds or any form Tempo's metrics API takes); default the last hour. */
export function parseWindow(q: (name: string) => string | undefined, nowNs: bigint): Window {
  const end = q('end') ? parseTimestamp('end', q('end')!) : nowNs;
  const start = q('start') ? parseTimestamp('start', q('start')!) : end - 3600n * NS_PER_S;
  if (end <= start) throw new ApiError('badRequest', 'invalid end: end must be greater than start');
  if (end - start > MAX_WINDOW_NS) throw new ApiError('badRequest', 'invalid start: the window from start to end may be at most 31 days');
  const fromNs = (start / MINUTE_NS) * MINUTE_NS;
  const toNs = ((end + MINUTE_NS - 1n) / MINUTE_NS) * MINUTE_NS;
  return { fromNs, toNs };
}

/**
 * `step` in seconds, a whole number of minutes (the rollups' resolution); by default the
 * smallest whole-minute step that gives at most 60 points.
 */
export function parseStep(v: string | undefined, w: Window): bigint {
  const span = w.toNs - w.fromNs;
  if (v === undefined || v === '') {
    const minutes = (span / MINUTE_NS + 59n) / 60n;
    return (minutes < 1n ? 1n : minutes) * MINUTE_NS;
  }
  if (!/^\d{1,9}$/.test(v) || Number(v) === 0 || Number(v) % 60 !== 0) {
    throw new ApiError('badRequest', `invalid step: ${JSON.stringify(v.slice(0, 100))} is not a whole number of minutes in seconds (60, 120, 300, …)`);
  }
  const step = BigInt(v) * NS_PER_S;
  if (span / step > BigInt(MAX_POINTS)) throw new ApiError('badRequest', `invalid step: ${v}s gives more than ${MAX_POINTS} points over this window`);
  return step;
}

/** Span kinds by their Jaeger SPM names; Jaeger's Monitor defaults to server. */
export const SPAN_KINDS = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
export type SpanKindName = keyof typeof SPAN_KINDS;

export function parseSpanKind(v: string | undefined): SpanKindName {
  if (v === undefined || v === '') return 'server';
  if (Object.hasOwn(SPAN_KINDS, v)) return v as SpanKindName;
  throw new ApiError('badRequest', `invalid spanKind: ${JSON.stringify(v.slice(0, 100))} is not one of ${Object.keys(SPAN_KINDS).join(', ')}`);
}

export function requireParam(name: string, v: string | undefined): string {
  if (v === undefined || v.trim() === '') throw new ApiError('badRequest', `missing ${name}: the ${name} parameter is required`);
  return v;
}

export const seconds = (ns: bigint) => Number(ns / NS_PER_S);
