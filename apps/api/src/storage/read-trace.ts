import { type Db, type StoredResourceRow, type StoredScopeRow, type StoredSpanRow, StoredTrace } from '@tracegres/schema';
import { cutAtBytes } from '../limits/trace-size.ts';

export interface TraceRange {
  /** Unix ns, inclusive. */
  startNs?: bigint;
  /** Unix ns, inclusive. */
  endNs?: bigint;
}

export interface FoundTrace {
  /** Writes protobuf straight from the rows; `toTracesData()` for the JSON and Jaeger shapes. */
  trace: StoredTrace;
  spanCount: number;
  /** Bytes of stored span payload read, reported as Tempo's `inspectedBytes`. */
  inspectedBytes: number;
  /** The trace was cut at `maxBytes` (Tempo's PARTIAL status). */
  partial: boolean;
}

/**
 * The spans of one trace within [$3, $4), fresh or compacted (span_rows, migrations/0007): the
 * time bound lets the planner prune partitions.
 * `trace_id` is left out (the caller knows it).
 * ORDER BY names the table's columns: the bare names would be the text output columns, sorted
 * by collation, far slower on big traces.
 */
export const SPANS_OF_TRACE = `
  select encode(span_id, 'hex') as span_id, encode(parent_span_id, 'hex') as parent_span_id,
         start_ns::text, duration_ns::text, name, kind, status_code, status_message, trace_state, flags,
         resource_id::text, scope_id::text, attrs::text, events::text, links::text,
         dropped_attributes_count, dropped_events_count, dropped_links_count,
         coalesce(pg_column_size(attrs), 0) + coalesce(pg_column_size(events), 0) + coalesce(pg_column_size(links), 0) + 64 as bytes
    from span_rows($2, $3::int8, $4::int8 - 1) s
   where trace_id = $1::uuid
   order by s.start_ns, s.span_id`;

/**
 * Reads one trace. The `traces` lookup (one row per trace and partition) names the partitions
 * that hold it, so the spans query is bounded to their time range and the planner prunes every
 * other partition; `start`/`end` narrow the partitions further, as Tempo's do its blocks.
 */
export async function readTrace(
  db: Db,
  tenantId: number,
  traceIdHex: string,
  intervalNs: bigint,
  range: TraceRange = {},
  /** MAX_BYTES_PER_TRACE: spans past this many stored bytes are left out; 0 = all. */
  maxBytes = 0,
): Promise<FoundTrace | null> {
  const buckets = await db.query<{ bucket_ns: string; start_ns: string; end_ns: string; span_count: number }>(
    'select bucket_ns::text, start_ns::text, end_ns::text, span_count from traces where trace_id = $1::uuid and tenant_id = $2 order by bucket_ns',
    [traceIdHex, tenantId],
  );
  const wanted = buckets.filter((b) => {
    const bucket = BigInt(b.bucket_ns);
    return (range.endNs === undefined || bucket <= range.endNs) && (range.startNs === undefined || bucket + intervalNs > range.startNs);
  });
  if (wanted.length === 0) return null;
  const lo = BigInt(wanted[0].bucket_ns);
  const hi = BigInt(wanted[wanted.length - 1].bucket_ns) + intervalNs;
  const params = [traceIdHex, tenantId, lo.toString(), hi.toString()];
  const spans = wanted.reduce((n, b) => n + b.span_count, 0);
  const all =
    spans < SPLIT_SPANS
      ? await db.query<SpanRow>(SPANS_OF_TRACE, params)
      : mergeByStart(...(await Promise.all([db.query<SpanRow>(HALF_OF_TRACE, [...params, 0, 127]), db.query<SpanRow>(HALF_OF_TRACE, [...params, 128, 255])])));
  if (all.length === 0) return null;
  // The trace id is the same on every row: set here rather than sent 50,000 times as text.
  const traceId = traceIdHex.replaceAll('-', '').toLowerCase();
  for (const r of all) r.trace_id = traceId;
  const { kept: rows, partial } = cutAtBytes(all, maxBytes);
  const resourceIds = [...new Set(rows.map((r) => r.resource_id))];
  const scopeIds = [...new Set(rows.map((r) => r.scope_id))];
  const [resources, scopes] = await Promise.all([
    db.query<StoredResourceRow>(
      `select resource_id::text, attrs::text, dropped_attributes_count, schema_url
         from resources where tenant_id = $1 and resource_id = any($2::text[]::int8[])`,
      [tenantId, resourceIds],
    ),
    db.query<StoredScopeRow>(
      `select scope_id::text, name, version, attrs::text, dropped_attributes_count, schema_url
         from scopes where tenant_id = $1 and scope_id = any($2::text[]::int8[])`,
      [tenantId, scopeIds],
    ),
  ]);
  let inspectedBytes = 0;
  for (const r of rows) inspectedBytes += Number(r.bytes);
  return { trace: new StoredTrace(rows, resources, scopes), spanCount: rows.length, inspectedBytes, partial };
}

type SpanRow = StoredSpanRow & { bytes: number };

/** Spans above which a trace is read in two halves at once. */
const SPLIT_SPANS = 10_000;

/**
 * Half of a big trace's spans, by the first byte of their (random) span ids, so both halves are
 * the same size wherever the spans lie in time. Two halves on two connections: turning 50,000
 * rows of jsonb into text is most of the database's work, and two backends do it on two cores
 * while this process parses the rows as they arrive.
 */
const HALF_OF_TRACE = SPANS_OF_TRACE.replace('\n   order by', '\n     and get_byte(span_id, 0) between $5 and $6\n   order by');
if (HALF_OF_TRACE === SPANS_OF_TRACE) throw new Error('read-trace: SPANS_OF_TRACE lost the order by that HALF_OF_TRACE extends');

/** Merges two lists each ordered by (start_ns, span_id) as SPANS_OF_TRACE orders them. */
function mergeByStart(a: SpanRow[], b: SpanRow[]): SpanRow[] {
  const out: SpanRow[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = before(b[j], a[i]) ? b[j++] : a[i++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** (start_ns, span_id) order on the text forms: non-negative decimals by length then digits, ids by hex. */
function before(x: SpanRow, y: SpanRow): boolean {
  if (x.start_ns !== y.start_ns) return x.start_ns.length !== y.start_ns.length ? x.start_ns.length < y.start_ns.length : x.start_ns < y.start_ns;
  return x.span_id < y.span_id;
}
