/**
 * Time arithmetic of TraceQL metrics, as Tempo's query-frontend does it (Tempo 3.1-dev,
 * `pkg/traceql/engine_metrics.go`): the default step, step alignment, which span start times
 * fall into which interval, and the timestamp each interval is reported at. All in Unix
 * nanoseconds (bigint).
 */

const MS = 1_000_000n;
const S = 1_000_000_000n;

/** Steps the default snaps to for windows of a minute or more, largest first. */
const STEP_GRANULARITIES = [3600n * S, 300n * S, 60n * S, 15n * S, 5n * S, S];
const SUB_MINUTE_GRANULARITY = 50n * MS;

/**
 * Tempo's step when `step` is omitted: a 240th of the window (1 h -> 15 s), floored to a whole
 * multiple of the largest granularity (1h, 5m, 1m, 15s, 5s, 1s) strictly below it, at least 1 s;
 * windows under a minute use multiples of 50 ms instead (at least 50 ms).
 */
export function defaultStepNs(startNs: bigint, endNs: bigint): bigint {
  const window = endNs - startNs;
  const baseline = window / 240n;
  if (window < 60n * S) return baseline > SUB_MINUTE_GRANULARITY ? (baseline / SUB_MINUTE_GRANULARITY) * SUB_MINUTE_GRANULARITY : SUB_MINUTE_GRANULARITY;
  for (const g of STEP_GRANULARITIES) if (baseline > g) return (baseline / g) * g;
  return S;
}

/**
 * Which spans a metrics query counts and where their intervals lie. Spans starting in
 * [fromNs, toNs] (both inclusive) count; interval `i` holds start times in
 * [fromNs + i*stepNs, fromNs + (i+1)*stepNs - 1] and is reported at {@link intervalTimestampMs}.
 */
export interface MetricsWindow {
  instant: boolean;
  fromNs: bigint;
  toNs: bigint;
  /** For instant queries the whole window (end - start), which is also what rate() divides by. */
  stepNs: bigint;
  intervals: number;
}

/**
 * A range query's window. Tempo aligns start down and end up to the step, then adds one more
 * interval before the start; intervals are right-closed, `(t - step, t]`, reported at `t`, so a
 * query's samples sit on every step boundary from the aligned start to the aligned end.
 */
export function rangeWindow(startNs: bigint, endNs: bigint, stepNs: bigint): MetricsWindow {
  let lo = startNs - (startNs % stepNs);
  const hi = endNs % stepNs === 0n ? endNs : endNs + stepNs - (endNs % stepNs);
  if (lo > stepNs) lo -= stepNs;
  return { instant: false, fromNs: lo + 1n, toNs: hi, stepNs, intervals: Number((hi - lo) / stepNs) };
}

/** An instant query's window: one interval, both ends inclusive, no alignment. */
export function instantWindow(startNs: bigint, endNs: bigint): MetricsWindow {
  return { instant: true, fromNs: startNs, toNs: endNs, stepNs: endNs - startNs, intervals: 1 };
}

/** The timestamp (Unix ms) a range query reports interval `i` at: the interval's right edge. */
export function intervalTimestampMs(w: MetricsWindow, i: number): bigint {
  if (w.instant) return w.toNs / MS;
  return (w.fromNs - 1n + BigInt(i + 1) * w.stepNs) / MS;
}

/** The interval a span start time falls in, or -1 outside the window. */
export function intervalOf(w: MetricsWindow, startNs: bigint): number {
  if (startNs < w.fromNs || startNs > w.toNs) return -1;
  return w.instant ? 0 : Number((startNs - w.fromNs) / w.stepNs);
}
