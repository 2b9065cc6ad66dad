import type { TracesData } from '@tracegres/otlp';
import {
  type Db,
  type StoredResourceRow,
  type StoredScopeRow,
  type StoredSpanRow,
  assembleTrace,
} from '@tracegres/schema';

export interface TraceRange {
  /** Unix ns, inclusive. */
  startNs?: bigint;
  /** Unix ns, inclusive. */
  endNs?: bigint;
}

export interface FoundTrace {
  trace: TracesData;
  spanCount: number;
  /** Bytes of stored span payload read, reported as Tempo's `inspectedBytes`. */
  inspectedBytes: number;
}

/**
 * The spans of one trace within [$3, $4): the time bound lets the planner prune partitions.
 * ORDER BY names the table's columns: the bare names would be the text output columns, sorted
 * by collation, far slower on big traces.
 */
export const SPANS_OF_TRACE = `
  select trace_id::text, encode(span_id, 'hex') as span_id, encode(parent_span_id, 'hex') as parent_span_id,
         start_ns::text, duration_ns::text, name, kind, status_code, status_message, trace_state, flags,
         resource_id::text, scope_id::text, attrs::text, events::text, links::text,
         dropped_attributes_count, dropped_events_count, dropped_links_count,
         coalesce(pg_column_size(attrs), 0) + coalesce(pg_column_size(events), 0) + coalesce(pg_column_size(links), 0) + 64 as bytes
    from spans s
   where trace_id = $1::uuid and tenant_id = $2 and start_ns >= $3::int8 and start_ns < $4::int8
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
): Promise<FoundTrace | null> {
  const buckets = await db.query<{ bucket_ns: string }>(
    'select bucket_ns::text from traces where trace_id = $1::uuid and tenant_id = $2 order by bucket_ns',
    [traceIdHex, tenantId],
  );
  const wanted = buckets
    .map((b) => BigInt(b.bucket_ns))
    .filter((b) => (range.endNs === undefined || b <= range.endNs) && (range.startNs === undefined || b + intervalNs > range.startNs));
  if (wanted.length === 0) return null;
  const lo = wanted[0];
  const hi = wanted[wanted.length - 1] + intervalNs;
  const rows = await db.query<StoredSpanRow & { bytes: number }>(SPANS_OF_TRACE, [
    traceIdHex,
    tenantId,
    lo.toString(),
    hi.toString(),
  ]);
  if (rows.length === 0) return null;
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
  return { trace: assembleTrace(rows, resources, scopes), spanCount: rows.length, inspectedBytes };
}
