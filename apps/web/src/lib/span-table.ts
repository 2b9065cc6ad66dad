// The flat span table (Jaeger's "Trace Spans Table"): one row per span, sortable by any column
// and narrowed by a filter box. Rows are plain records built once per trace; sorting and
// filtering return index lists, so a 50,000-span table re-sorts without copying span objects.
import { STATUS_NAMES } from './attr-value.ts';
import type { TraceModel } from './trace-model.ts';

export interface SpanTableRow {
  /** Span index in the model. */
  span: number;
  service: string;
  operation: string;
  spanId: string;
  /** Microseconds since the trace's start. */
  start: number;
  duration: number;
  selfTime: number;
  /** 'unset', 'ok' or 'error'. */
  status: string;
}

export const SPAN_COLUMNS = ['service', 'operation', 'spanId', 'start', 'duration', 'selfTime', 'status'] as const;
export type SpanColumn = (typeof SPAN_COLUMNS)[number];

export function spanTableRows(model: TraceModel, self: Float64Array): SpanTableRow[] {
  return model.spans.map((s) => ({
    span: s.index,
    service: s.service,
    operation: s.name,
    spanId: s.spanId,
    start: s.start,
    duration: s.duration,
    selfTime: self[s.index],
    status: STATUS_NAMES[s.span.status.code] ?? String(s.span.status.code),
  }));
}

/**
 * Positions in `rows` sorted by a column. Text sorts case-insensitively A→Z when ascending;
 * ties fall back to start time, then span index, so the order is always the same.
 */
export function sortSpanRows(rows: readonly SpanTableRow[], column: SpanColumn, dir: 'asc' | 'desc', within?: readonly number[]): number[] {
  const sign = dir === 'asc' ? 1 : -1;
  const ids = within ? [...within] : rows.map((_, i) => i);
  const text = column === 'service' || column === 'operation' || column === 'spanId' || column === 'status';
  // Lower-cased keys made once: a locale collator in the comparator is several times slower on
  // 50,000 rows, and span data is mostly ASCII identifiers anyway.
  const keys = text ? rows.map((r) => (r[column] as string).toLowerCase()) : undefined;
  return ids.sort((i, j) => {
    const a = rows[i];
    const b = rows[j];
    const c = keys ? (keys[i] < keys[j] ? -1 : keys[i] > keys[j] ? 1 : 0) : (a[column] as number) - (b[column] as number);
    return c * sign || a.start - b.start || a.span - b.span;
  });
}

/**
 * Positions in `rows` that match a filter: whitespace-separated terms, all of which must occur
 * (case-insensitively) in the service, operation, span ID or status; a term written
 * `service:x`, `operation:x` (or `name:x`), `status:x` or `id:x` looks in that column only.
 */
export function filterSpanRows(rows: readonly SpanTableRow[], filter: string): number[] {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean).map(parseTerm);
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (terms.every((t) => matches(r, t))) out.push(i);
  }
  return out;
}

interface Term {
  column: 'service' | 'operation' | 'spanId' | 'status' | null;
  text: string;
}

const PREFIXES: Record<string, Term['column']> = { service: 'service', operation: 'operation', name: 'operation', status: 'status', id: 'spanId' };

function parseTerm(t: string): Term {
  const m = /^([a-z]+):(.+)$/.exec(t);
  const column = m ? PREFIXES[m[1]] : undefined;
  return column && m ? { column, text: m[2] } : { column: null, text: t };
}

function matches(r: SpanTableRow, t: Term): boolean {
  if (t.column) return r[t.column].toLowerCase().includes(t.text);
  return (
    r.service.toLowerCase().includes(t.text) ||
    r.operation.toLowerCase().includes(t.text) ||
    r.spanId.includes(t.text) ||
    r.status === t.text
  );
}
