import type { Db, StoredSpanRow } from '@tracegres/schema';

export interface ServiceSummary {
  name: string;
  spanCount: number;
  errorSpanCount: number;
}

/** Jaeger v3's TraceSummary, computed in the database's terms (times in Unix ns). */
export interface TraceSummary {
  traceId: string;
  rootServiceName: string;
  rootOperationName: string;
  minStartNs: bigint;
  maxEndNs: bigint;
  spanCount: number;
  errorSpanCount: number;
  orphanSpanCount: number;
  services: ServiceSummary[];
}

/** The stored span columns a summary reads, plus the denormalised service name. */
type Row = Pick<StoredSpanRow, 'trace_id' | 'span_id' | 'parent_span_id' | 'start_ns' | 'duration_ns' | 'name' | 'status_code'> & { service_name: string };

/**
 * Summaries of the given traces (32-hex ids), in the given order; traces with no spans are left
 * out. Reads only the few span columns a summary needs, bounded by the traces' time ranges.
 * The bounds reach span_rows() as columns of a lateral source, not as sub-selects: Postgres
 * inlines a set-returning SQL function only when no argument holds a sub-select, and only
 * inlined does `trace_id = any(...)` reach the indexes of both layouts.
 */
export async function traceSummaries(db: Db, tenantId: number, traceIds: string[]): Promise<TraceSummary[]> {
  if (traceIds.length === 0) return [];
  const rows = await db.query<Row>(
    `with t as (select min(start_ns) as lo, max(end_ns) as hi from traces where tenant_id = $1 and trace_id = any($2::uuid[]))
     select replace(s.trace_id::text, '-', '') as trace_id, encode(s.span_id, 'hex') as span_id,
            encode(s.parent_span_id, 'hex') as parent_span_id, s.start_ns::text, s.duration_ns::text, s.name,
            s.status_code, s.service_name
       from t cross join lateral span_rows($1, t.lo, t.hi) s
      where s.trace_id = any($2::uuid[])`,
    [tenantId, traceIds],
  );
  const byTrace = new Map<string, Row[]>();
  for (const r of rows) {
    const l = byTrace.get(r.trace_id) ?? [];
    l.push(r);
    byTrace.set(r.trace_id, l);
  }
  const out: TraceSummary[] = [];
  for (const id of traceIds) {
    const spans = byTrace.get(id);
    if (spans) out.push(summarize(id, spans));
  }
  return out;
}

function summarize(traceId: string, spans: Row[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.span_id));
  const services = new Map<string, ServiceSummary>();
  let root: Row | undefined;
  let minStart = -1n;
  let maxEnd = -1n;
  let errors = 0;
  let orphans = 0;
  for (const s of spans) {
    const start = BigInt(s.start_ns);
    const end = start + BigInt(s.duration_ns);
    if (minStart < 0n || start < minStart) minStart = start;
    if (end > maxEnd) maxEnd = end;
    const svc = services.get(s.service_name) ?? { name: s.service_name, spanCount: 0, errorSpanCount: 0 };
    svc.spanCount++;
    if (s.status_code === 2) {
      svc.errorSpanCount++;
      errors++;
    }
    services.set(s.service_name, svc);
    // The root is the earliest span without a parent; a parent not in the trace makes an orphan.
    if (!s.parent_span_id) {
      if (!root || start < BigInt(root.start_ns)) root = s;
    } else if (!ids.has(s.parent_span_id)) orphans++;
  }
  return {
    traceId,
    rootServiceName: root?.service_name ?? '',
    rootOperationName: root?.name ?? '',
    minStartNs: minStart,
    maxEndNs: maxEnd,
    spanCount: spans.length,
    errorSpanCount: errors,
    orphanSpanCount: orphans,
    services: [...services.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}
