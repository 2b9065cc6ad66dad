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

/**
 * The range a page's URL holds: `lookback`, with `start`/`end` (unix seconds) when it is
 * `custom`. An unknown lookback, or a custom one without a valid range, reads as the last hour;
 * `custom` is set only with its range.
 */
export function rangeFromUrl(params: URLSearchParams): { lookback: string; custom?: [number, number] } {
  const lb = params.get('lookback') ?? '1h';
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  if (lb === 'custom' && start > 0 && end > start) return { lookback: 'custom', custom: [start, end] };
  return { lookback: lookbackSeconds(lb) !== undefined ? lb : '1h' };
}

/** Writes a range into URL parameters, the way `rangeFromUrl` reads it. */
export function rangeToUrl(p: URLSearchParams, lookback: string, customStart: number | undefined, customEnd: number | undefined): void {
  p.set('lookback', lookback);
  if (lookback === 'custom' && customStart !== undefined && customEnd !== undefined) {
    p.set('start', String(customStart));
    p.set('end', String(customEnd));
  }
}
