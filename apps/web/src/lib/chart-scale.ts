// Scales and SVG paths for the Monitor's small time-series charts.
import { niceTicks } from './format.ts';

export interface Scale {
  (v: number): number;
  ticks: number[];
}

/** A linear scale from [d0, d1] to [r0, r1]; with `nice`, the domain starts at 0 and ends on a tick. */
export function linearScale(d0: number, d1: number, r0: number, r1: number, tickCount = 4, nice = false): Scale {
  let hi = d1 > d0 ? d1 : d0 + 1;
  const lo = d0;
  let ticks = niceTicks(lo, hi, tickCount);
  if (nice && ticks.length > 1) {
    const step = ticks[1] - ticks[0];
    if (ticks[ticks.length - 1] < hi) ticks = [...ticks, ticks[ticks.length - 1] + step];
    hi = ticks[ticks.length - 1];
  }
  const f = ((v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0)) as Scale;
  f.ticks = ticks;
  return f;
}

/** A polyline through the points with values, broken where a value is null (no requests then). */
export function linePath(xs: number[], ys: (number | null)[], x: (v: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const v = ys[i];
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(xs[i]).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}
