// Numbers as people read them on a timeline: durations scaled to their unit with three
// significant digits, and wall-clock times in the browser's time zone.

/** A duration given in microseconds: `0µs`, `950µs`, `12.3ms`, `1.25s`, `2m 5s`, `1h 2m`. */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '–';
  const a = Math.abs(us);
  const sign = us < 0 ? '-' : '';
  if (a === 0) return '0µs';
  if (a < 1) return `${sign}${round3(a * 1000)}ns`;
  if (a < 1000) return `${sign}${round3(a)}µs`;
  if (a < 1_000_000) return `${sign}${round3(a / 1000)}ms`;
  if (a < 60_000_000) return `${sign}${round3(a / 1_000_000)}s`;
  const s = Math.round(a / 1_000_000);
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  const m = Math.round(s / 60);
  return `${sign}${Math.floor(m / 60)}h${m % 60 ? ` ${m % 60}m` : ''}`;
}

function round3(x: number): string {
  // Three significant digits, no trailing zeros: 1.25, 12.3, 123.
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

/** A duration in milliseconds (search results carry `durationMs`). */
export function formatMs(ms: number): string {
  return formatDuration(ms * 1000);
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Wall-clock time of a unix-nanosecond timestamp, to the millisecond. */
export function formatTimestamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return `${dateTime.format(new Date(ms))}.${String(ms % 1000).padStart(3, '0')}`;
}

/** "3 minutes ago" style age of a unix-millisecond time, relative to `now`. */
export function formatAge(ms: number, now: number): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

/**
 * Evenly spaced "nice" tick values (1, 2 or 5 times a power of ten) covering [lo, hi], about
 * `count` of them.
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  if (!(span > 0) || count < 1) return [lo];
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
