// The search time window: a lookback from now (Jaeger's choices) or a custom range.

export const LOOKBACKS = [
  ['5m', 'Last 5 minutes'], ['15m', 'Last 15 minutes'], ['30m', 'Last 30 minutes'], ['1h', 'Last hour'],
  ['2h', 'Last 2 hours'], ['3h', 'Last 3 hours'], ['6h', 'Last 6 hours'], ['12h', 'Last 12 hours'],
  ['24h', 'Last 24 hours'], ['2d', 'Last 2 days'], ['3d', 'Last 3 days'], ['5d', 'Last 5 days'], ['7d', 'Last 7 days'],
] as const;

const UNIT_S: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds in a lookback such as `15m`, `2d`; undefined if it is not one. */
export function lookbackSeconds(lb: string): number | undefined {
  const m = /^(\d+)([mhdw])$/.exec(lb);
  return m ? Number(m[1]) * UNIT_S[m[2]] : undefined;
}

/** [start, end] in unix seconds for a lookback ending now, or for a custom range. */
export function resolveRange(lookback: string, customStart: number | undefined, customEnd: number | undefined, nowMs: number): [number, number] {
  const now = Math.ceil(nowMs / 1000);
  if (lookback === 'custom' && customStart !== undefined && customEnd !== undefined) return [customStart, Math.max(customEnd, customStart + 1)];
  return [now - (lookbackSeconds(lookback) ?? 3600), now];
}
