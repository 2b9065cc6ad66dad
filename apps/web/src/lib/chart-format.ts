// How the graph and Monitor pages print rates, ratios and latencies.
import { formatMs } from './format.ts';

/** Requests per second: `0`, `0.005/s`, `1.23/s`, `1,240/s`. */
export function formatRate(perSecond: number): string {
  if (!(perSecond > 0)) return '0/s';
  if (perSecond >= 100) return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
  return `${Number(perSecond.toPrecision(3))}/s`;
}

/** A ratio as a percentage: `0%`, `0.5%`, `50%`. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '–';
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

/** A latency in ms, or a dash when there were no requests. */
export function formatLatency(ms: number | null): string {
  return ms === null ? '–' : formatMs(ms);
}
