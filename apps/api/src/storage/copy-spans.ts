import { type FlatSpan, type Queryable, SPAN_COPY_COLUMNS, bucketOf, spanCopyLine, textColumn } from '@tracegres/schema';
import { MERGE_TRACE, cmp, insertNewSpansSql, sortForLocks } from './write-spans.ts';

/** A trace's summary over the spans of one batch, per partition bucket. */
export interface TraceSummary {
  tenantId: number;
  traceId: string;
  bucket: bigint;
  start: bigint;
  end: bigint;
  spans: number;
  errors: number;
  rootService: string | null;
  rootName: string | null;
  rootSpanId: string | null;
}

/**
 * Spans rendered for COPY: the text and the trace summaries, nothing else. Rendering right
 * after decoding lets the decoded span objects die young: requests waiting for a transaction
 * then hold compact strings instead of thousands of objects each, which kept the server busy
 * collecting garbage.
 */
export interface CopyBatch {
  text: string;
  spanCount: number;
  traces: TraceSummary[];
}

/** Renders spans as COPY text-format lines and per-trace summaries (pure CPU, no database). */
export function renderCopy(spans: FlatSpan[], intervalNs: bigint): CopyBatch {
  const sorted = sortForLocks(spans);
  let text = '';
  const byKey = new Map<string, TraceSummary>();
  for (const f of sorted) {
    text += spanCopyLine(f);
    const s = f.span;
    const bucket = bucketOf(s.startTimeUnixNano, intervalNs);
    const key = `${f.tenantId}:${s.traceId}:${bucket}`;
    let t = byKey.get(key);
    if (!t) {
      t = {
        tenantId: f.tenantId, traceId: s.traceId, bucket, start: s.startTimeUnixNano, end: s.endTimeUnixNano,
        spans: 0, errors: 0, rootService: null, rootName: null, rootSpanId: null,
      };
      byKey.set(key, t);
    }
    if (s.startTimeUnixNano < t.start) t.start = s.startTimeUnixNano;
    if (s.endTimeUnixNano > t.end) t.end = s.endTimeUnixNano;
    t.spans++;
    if (s.status.code === 2) t.errors++;
    if (!s.parentSpanId && t.rootSpanId === null) {
      t.rootService = f.serviceName;
      t.rootName = textColumn(s.name);
      t.rootSpanId = s.spanId;
    }
  }
  return { text, spanCount: spans.length, traces: [...byKey.values()] };
}

/** Joins the batches of one group commit; summaries of the same trace and bucket are merged. */
export function mergeCopyBatches(batches: CopyBatch[]): CopyBatch {
  if (batches.length === 1) return { ...batches[0], traces: sortTraces(batches[0].traces) };
  const byKey = new Map<string, TraceSummary>();
  for (const b of batches) {
    for (const t of b.traces) {
      const key = `${t.tenantId}:${t.traceId}:${t.bucket}`;
      const m = byKey.get(key);
      if (!m) {
        byKey.set(key, { ...t });
        continue;
      }
      if (t.start < m.start) m.start = t.start;
      if (t.end > m.end) m.end = t.end;
      m.spans += t.spans;
      m.errors += t.errors;
      if (m.rootSpanId === null && t.rootSpanId !== null) {
        m.rootService = t.rootService;
        m.rootName = t.rootName;
        m.rootSpanId = t.rootSpanId;
      }
    }
  }
  return {
    text: batches.map((b) => b.text).join(''),
    spanCount: batches.reduce((n, b) => n + b.spanCount, 0),
    traces: sortTraces([...byKey.values()]),
  };
}

function sortTraces(t: TraceSummary[]): TraceSummary[] {
  return [...t].sort((a, b) => cmp(a.traceId, b.traceId) || a.tenantId - b.tenantId || (a.bucket < b.bucket ? -1 : 1));
}

const UPSERT_TRACES = `
insert into traces as t (tenant_id, trace_id, bucket_ns, start_ns, end_ns, span_count, error_count,
  root_service, root_name, root_span_id)
select * from unnest($1::int4[], $2::text[]::uuid[], $3::text[]::int8[], $4::text[]::int8[], $5::text[]::int8[],
  $6::int4[], $7::int4[], $8::text[], $9::text[], $10::text[]::bytea[])
on conflict (trace_id, tenant_id, bucket_ns) do update set ${MERGE_TRACE}`;

/**
 * Server Postgres path: COPY the spans straight into `spans` inside a savepoint, then fold
 * them into the trace summaries. A re-sent span makes COPY fail on the primary key; then the
 * savepoint is rolled back, the same text is COPYed into a temporary staging table and moved
 * with `INSERT ... ON CONFLICT DO NOTHING`, so retries stay idempotent while the common case
 * pays only COPY's cost. Returns how many spans were new.
 */
export async function writeSpansCopy(
  tx: Queryable & Required<Pick<Queryable, 'copyIn'>>,
  batch: CopyBatch,
  intervalNs: bigint,
): Promise<number> {
  if (batch.spanCount === 0) return 0;
  await tx.query('savepoint tracegres_copy');
  try {
    await tx.copyIn(`copy spans (${SPAN_COPY_COLUMNS}) from stdin`, batch.text);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await tx.query('rollback to savepoint tracegres_copy');
    await tx.query('create temp table tracegres_stage (like spans including defaults) on commit drop');
    await tx.copyIn(`copy tracegres_stage (${SPAN_COPY_COLUMNS}) from stdin`, batch.text);
    const [row] = await tx.query<{ inserted: number }>(
      `with ${insertNewSpansSql('tracegres_stage', '$1').trim()}`,
      [intervalNs.toString()],
    );
    return row.inserted;
  }
  const t = batch.traces;
  // Pipelined: sent together, one round trip (postgres.js cannot pipeline around a COPY).
  await Promise.all([
    tx.query('release savepoint tracegres_copy'),
    tx.query(UPSERT_TRACES, [
      t.map((x) => x.tenantId),
      t.map((x) => x.traceId),
      t.map((x) => x.bucket.toString()),
      t.map((x) => x.start.toString()),
      t.map((x) => x.end.toString()),
      t.map((x) => x.spans),
      t.map((x) => x.errors),
      t.map((x) => x.rootService),
      t.map((x) => x.rootName),
      t.map((x) => (x.rootSpanId === null ? null : '\\x' + x.rootSpanId)),
    ]),
  ]);
  return batch.spanCount;
}
