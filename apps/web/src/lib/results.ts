// Search results as the results page shows them: one row per trace with its totals, and
// Jaeger's sort orders.
import type { SearchTrace } from './api.ts';

export interface ResultRow {
  traceId: string;
  rootService: string;
  rootName: string;
  /** Unix milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  spans: number;
  errors: number;
  services: Array<{ name: string; spans: number; errors: number }>;
}

export function toResultRow(t: SearchTrace): ResultRow {
  const services = Object.entries(t.serviceStats ?? {})
    .map(([name, s]) => ({ name, spans: s.spanCount, errors: s.errorCount ?? 0 }))
    .sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name));
  return {
    traceId: t.traceID.padStart(32, '0'),
    rootService: t.rootServiceName,
    rootName: t.rootTraceName ?? '',
    startMs: Number(BigInt(t.startTimeUnixNano) / 1000n) / 1000,
    durationMs: t.durationMs ?? 0,
    spans: services.reduce((n, s) => n + s.spans, 0),
    errors: services.reduce((n, s) => n + s.errors, 0),
    services,
  };
}

export const SORTS = {
  recent: 'Most recent',
  oldest: 'Oldest first',
  longest: 'Longest first',
  shortest: 'Shortest first',
  mostSpans: 'Most spans',
  leastSpans: 'Least spans',
  mostErrors: 'Most errors',
  leastErrors: 'Least errors',
  nameAz: 'Trace name A to Z',
  nameZa: 'Trace name Z to A',
} as const;
export type SortKey = keyof typeof SORTS;

export function isSortKey(s: string): s is SortKey {
  return Object.hasOwn(SORTS, s);
}

const title = (r: ResultRow) => `${r.rootService}: ${r.rootName}`;

const COMPARE: Record<SortKey, (a: ResultRow, b: ResultRow) => number> = {
  recent: (a, b) => b.startMs - a.startMs,
  oldest: (a, b) => a.startMs - b.startMs,
  longest: (a, b) => b.durationMs - a.durationMs,
  shortest: (a, b) => a.durationMs - b.durationMs,
  mostSpans: (a, b) => b.spans - a.spans,
  leastSpans: (a, b) => a.spans - b.spans,
  mostErrors: (a, b) => b.errors - a.errors,
  leastErrors: (a, b) => a.errors - b.errors,
  nameAz: (a, b) => title(a).localeCompare(title(b)),
  nameZa: (a, b) => title(b).localeCompare(title(a)),
};

/** Sorted copy; ties fall back to newest first, then trace id, so the order is stable. */
export function sortResults(rows: readonly ResultRow[], key: SortKey): ResultRow[] {
  const cmp = COMPARE[key];
  return [...rows].sort((a, b) => cmp(a, b) || b.startMs - a.startMs || a.traceId.localeCompare(b.traceId));
}
