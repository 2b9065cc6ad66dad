import type { Queryable } from '@tracegres/schema';
import { type FlatSpan, type ResourceRow, type ScopeRow, emptyColumns, pushSpan } from '@tracegres/schema';

const SPAN_COLUMNS = `tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code,
    status_message, trace_state, flags, service_name, resource_id, scope_id, attrs, events, links,
    dropped_attributes_count, dropped_events_count, dropped_links_count`;

/**
 * Inserts the rows of `source` into spans, skipping spans already stored (re-sends are
 * idempotent), folds the newly inserted ones into the per-trace summaries in the same
 * statement, and returns `inserted`. `source` is a relation with the spans columns.
 */
export function insertNewSpansSql(source: string, intervalParam: string): string {
  return `
ins as (
  insert into spans (${SPAN_COLUMNS})
  select ${SPAN_COLUMNS} from ${source}
  on conflict do nothing
  returning tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, status_code, service_name, name
),
summary as (
  insert into traces as t (tenant_id, trace_id, bucket_ns, start_ns, end_ns, span_count, error_count,
    root_service, root_name, root_span_id)
  select tenant_id, trace_id, bucket, min(start_ns), max(start_ns + duration_ns), count(*)::int4,
         (count(*) filter (where status_code = 2))::int4,
         (array_agg(service_name) filter (where parent_span_id is null))[1],
         (array_agg(name) filter (where parent_span_id is null))[1],
         (array_agg(span_id) filter (where parent_span_id is null))[1]
    from (select *, start_ns - start_ns % ${intervalParam}::int8 as bucket from ins) x
   group by tenant_id, trace_id, bucket
   order by trace_id
  on conflict (trace_id, tenant_id, bucket_ns) do update set ${MERGE_TRACE}
)
select count(*)::int4 as inserted from ins`;
}

/** How a trace summary row absorbs new spans of the same trace and partition. */
export const MERGE_TRACE = `
    start_ns = least(t.start_ns, excluded.start_ns),
    end_ns = greatest(t.end_ns, excluded.end_ns),
    span_count = t.span_count + excluded.span_count,
    error_count = t.error_count + excluded.error_count,
    root_service = coalesce(t.root_service, excluded.root_service),
    root_name = coalesce(t.root_name, excluded.root_name),
    root_span_id = coalesce(t.root_span_id, excluded.root_span_id),
    compacted = false,
    updated_at = now()`;

// Every array travels as text[] (or int[]) and is cast in SQL, so postgres.js and PGlite
// serialise parameters the same way and nothing is double-encoded.
const INSERT_SPANS = `
with rows as (
  select * from unnest(
    $1::int4[], $2::text[]::uuid[], $3::text[]::bytea[], $4::text[]::bytea[], $5::text[]::int8[], $6::text[]::int8[],
    $7::text[], $8::int2[], $9::int2[], $10::text[], $11::text[], $12::int4[], $13::text[], $14::text[]::int8[],
    $15::text[]::int8[], $16::text[]::jsonb[], $17::text[]::jsonb[], $18::text[]::jsonb[], $19::int4[], $20::int4[], $21::int4[]
  ) as r(${SPAN_COLUMNS})
),
${insertNewSpansSql('rows', '$22').trim()}`;

const INSERT_RESOURCES = `
insert into resources (tenant_id, resource_id, service_name, attrs, dropped_attributes_count, schema_url)
select * from unnest($1::int4[], $2::text[]::int8[], $3::text[], $4::text[]::jsonb[], $5::int4[], $6::text[])
on conflict do nothing`;

const INSERT_SCOPES = `
insert into scopes (tenant_id, scope_id, name, version, attrs, dropped_attributes_count, schema_url)
select * from unnest($1::int4[], $2::text[]::int8[], $3::text[], $4::text[], $5::text[]::jsonb[], $6::int4[], $7::text[])
on conflict do nothing`;

/** Upserts dictionary rows that this process has not written yet. */
export async function writeDictionaries(tx: Queryable, resources: ResourceRow[], scopes: ScopeRow[]): Promise<void> {
  if (resources.length) {
    await tx.query(INSERT_RESOURCES, [
      resources.map((r) => r.tenantId),
      resources.map((r) => r.resourceId),
      resources.map((r) => r.serviceName),
      resources.map((r) => r.attrs),
      resources.map((r) => r.droppedAttributesCount),
      resources.map((r) => r.schemaUrl),
    ]);
  }
  if (scopes.length) {
    await tx.query(INSERT_SCOPES, [
      scopes.map((s) => s.tenantId),
      scopes.map((s) => s.scopeId),
      scopes.map((s) => s.name),
      scopes.map((s) => s.version),
      scopes.map((s) => s.attrs),
      scopes.map((s) => s.droppedAttributesCount),
      scopes.map((s) => s.schemaUrl),
    ]);
  }
}

/** Sorted by trace and span id, so concurrent transactions lock rows in one order. */
export function sortForLocks(spans: FlatSpan[]): FlatSpan[] {
  return [...spans].sort(
    (a, b) => cmp(a.span.traceId, b.span.traceId) || cmp(a.span.spanId, b.span.spanId) || a.tenantId - b.tenantId,
  );
}

/**
 * Inserts spans (duplicates of already stored spans are skipped: re-sends are idempotent) and
 * folds the newly inserted ones into the per-trace summary in the same statement.
 * Spans are sorted by trace and span id so concurrent transactions lock rows in one order.
 * Returns how many spans were new.
 */
export async function writeSpans(tx: Queryable, spans: FlatSpan[], intervalNs: bigint): Promise<number> {
  if (spans.length === 0) return 0;
  const sorted = sortForLocks(spans);
  const c = emptyColumns();
  for (const f of sorted) pushSpan(c, f);
  const [row] = await tx.query<{ inserted: number }>(INSERT_SPANS, [
    c.tenantId, c.traceId, c.spanId, c.parentSpanId, c.startNs, c.durationNs, c.name, c.kind, c.statusCode,
    c.statusMessage, c.traceState, c.flags, c.serviceName, c.resourceId, c.scopeId, c.attrs, c.events, c.links,
    c.droppedAttributesCount, c.droppedEventsCount, c.droppedLinksCount, intervalNs.toString(),
  ]);
  return row.inserted;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
