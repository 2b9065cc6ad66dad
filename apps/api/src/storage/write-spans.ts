import type { Queryable } from '@tracegres/schema';
import {
  type FlatSpan,
  type ResourceRow,
  type ScopeRow,
  SPAN_COPY_COLUMNS,
  bucketOf,
  emptyColumns,
  pushSpan,
  spanCopyLine,
  textColumn,
} from '@tracegres/schema';

// Every array travels as text[] (or int[]) and is cast in SQL, so postgres.js and PGlite
// serialise parameters the same way and nothing is double-encoded.
const INSERT_SPANS = `
with rows as (
  select * from unnest(
    $1::int4[], $2::text[]::uuid[], $3::text[]::bytea[], $4::text[]::bytea[], $5::text[]::int8[], $6::text[]::int8[],
    $7::text[], $8::int2[], $9::int2[], $10::text[], $11::text[], $12::int4[], $13::text[], $14::text[]::int8[],
    $15::text[]::int8[], $16::text[]::jsonb[], $17::text[]::jsonb[], $18::text[]::jsonb[], $19::int4[], $20::int4[], $21::int4[]
  ) as r(tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message,
         trace_state, flags, service_name, resource_id, scope_id, attrs, events, links,
         dropped_attributes_count, dropped_events_count, dropped_links_count)
),
ins as (
  insert into spans (tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code,
    status_message, trace_state, flags, service_name, resource_id, scope_id, attrs, events, links,
    dropped_attributes_count, dropped_events_count, dropped_links_count)
  select * from rows
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
    from (select *, start_ns - start_ns % $22::int8 as bucket from ins) x
   group by tenant_id, trace_id, bucket
   order by trace_id
  on conflict (trace_id, tenant_id, bucket_ns) do update set
    start_ns = least(t.start_ns, excluded.start_ns),
    end_ns = greatest(t.end_ns, excluded.end_ns),
    span_count = t.span_count + excluded.span_count,
    error_count = t.error_count + excluded.error_count,
    root_service = coalesce(t.root_service, excluded.root_service),
    root_name = coalesce(t.root_name, excluded.root_name),
    root_span_id = coalesce(t.root_span_id, excluded.root_span_id),
    updated_at = now()
)
select count(*)::int4 as inserted from ins`;

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

const UPSERT_TRACES = `
insert into traces as t (tenant_id, trace_id, bucket_ns, start_ns, end_ns, span_count, error_count,
  root_service, root_name, root_span_id)
select * from unnest($1::int4[], $2::text[]::uuid[], $3::text[]::int8[], $4::text[]::int8[], $5::text[]::int8[],
  $6::int4[], $7::int4[], $8::text[], $9::text[], $10::text[]::bytea[])
on conflict (trace_id, tenant_id, bucket_ns) do update set
  start_ns = least(t.start_ns, excluded.start_ns),
  end_ns = greatest(t.end_ns, excluded.end_ns),
  span_count = t.span_count + excluded.span_count,
  error_count = t.error_count + excluded.error_count,
  root_service = coalesce(t.root_service, excluded.root_service),
  root_name = coalesce(t.root_name, excluded.root_name),
  root_span_id = coalesce(t.root_span_id, excluded.root_span_id),
  updated_at = now()`;

interface TraceSummary {
  tenantId: number;
  traceId: string;
  bucket: bigint;
  start: bigint;
  end: bigint;
  spans: number;
  errors: number;
  root?: FlatSpan;
}

/** Per-trace, per-partition summaries of spans known to be newly inserted. */
function summarise(spans: FlatSpan[], intervalNs: bigint): TraceSummary[] {
  const byKey = new Map<string, TraceSummary>();
  for (const f of spans) {
    const s = f.span;
    const bucket = bucketOf(s.startTimeUnixNano, intervalNs);
    const key = `${f.tenantId}:${s.traceId}:${bucket}`;
    let t = byKey.get(key);
    if (!t) {
      t = { tenantId: f.tenantId, traceId: s.traceId, bucket, start: s.startTimeUnixNano, end: s.endTimeUnixNano, spans: 0, errors: 0 };
      byKey.set(key, t);
    }
    if (s.startTimeUnixNano < t.start) t.start = s.startTimeUnixNano;
    if (s.endTimeUnixNano > t.end) t.end = s.endTimeUnixNano;
    t.spans++;
    if (s.status.code === 2) t.errors++;
    if (!s.parentSpanId && !t.root) t.root = f;
  }
  return [...byKey.values()].sort((a, b) => cmp(a.traceId, b.traceId));
}

/** Spans rendered for the COPY fast path, built before the transaction opens. */
export interface CopyBatch {
  spans: FlatSpan[];
  text: string;
  traceParams: unknown[];
}

/** Renders spans as COPY text and per-trace summary parameters (pure CPU, no database). */
export function prepareCopy(spans: FlatSpan[], intervalNs: bigint): CopyBatch {
  const sorted = sortForLocks(spans);
  let text = '';
  for (const f of sorted) text += spanCopyLine(f);
  const t = summarise(sorted, intervalNs);
  const traceParams = [
    t.map((x) => x.tenantId),
    t.map((x) => x.traceId),
    t.map((x) => x.bucket.toString()),
    t.map((x) => x.start.toString()),
    t.map((x) => x.end.toString()),
    t.map((x) => x.spans),
    t.map((x) => x.errors),
    t.map((x) => x.root?.serviceName ?? null),
    t.map((x) => (x.root ? textColumn(x.root.span.name) : null)),
    t.map((x) => (x.root ? '\\x' + x.root.span.spanId : null)),
  ];
  return { spans, text, traceParams };
}

/**
 * Server Postgres fast path: COPY the spans straight into `spans` inside a savepoint and fold
 * them into the trace summaries. A re-sent span makes COPY fail on the primary key; then the
 * savepoint is rolled back and the exact `ON CONFLICT DO NOTHING` path below runs instead, so
 * retries stay idempotent while the common case pays COPY's cost, not array binding's.
 */
export async function writeSpansCopy(
  tx: Queryable & Required<Pick<Queryable, 'copyIn'>>,
  batch: CopyBatch,
  intervalNs: bigint,
): Promise<number> {
  if (batch.spans.length === 0) return 0;
  await tx.query('savepoint tracegres_copy');
  try {
    await tx.copyIn(`copy spans (${SPAN_COPY_COLUMNS}) from stdin`, batch.text);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await tx.query('rollback to savepoint tracegres_copy');
    return writeSpans(tx, batch.spans, intervalNs);
  }
  await tx.query('release savepoint tracegres_copy');
  await tx.query(UPSERT_TRACES, batch.traceParams);
  return batch.spans.length;
}

function sortForLocks(spans: FlatSpan[]): FlatSpan[] {
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
