import type { Queryable } from '@tracegres/schema';
import type { CompactionContext } from './context.ts';
import { nestedSets } from './nested-set.ts';

/**
 * Step 2 of the job: for traces that have gone quiet and are not numbered yet, compute nested-set
 * numbers and depth for every span, the per-service span/error counts and the deepest level, and
 * mark the trace's summary rows compacted. Ingest clears `compacted` when a late span lands in a
 * summary row, and a late span in a new partition adds an uncompacted row, so such a trace comes
 * back here and is numbered again with the new span.
 *
 * Each batch is one transaction that first locks the traces' summary rows: an ingest transaction
 * that adds a span to one of them waits for us and then clears the flag, so a span can never be
 * missed by a numbering that claims to be complete.
 */
export async function numberQuietTraces(ctx: CompactionContext): Promise<{ traces: number; spans: number }> {
  const cutoff = new Date(ctx.now() - ctx.settings.quietSeconds * 1000).toISOString();
  const total = { traces: 0, spans: 0 };
  for (;;) {
    const done = await ctx.db.transaction((tx) => numberBatch(tx, ctx, cutoff));
    total.traces += done.traces;
    total.spans += done.spans;
    if (done.traces < ctx.settings.traceBatch) return total;
  }
}

interface PendingTrace {
  tenant_id: number;
  trace_id: string;
  lo: string;
  hi: string;
  /** The summary rows we hold locked; only these are marked (an unlocked one is being written). */
  buckets: string[];
}

interface SpanRow {
  tenant_id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  start_ns: string;
  service_name: string;
  status_code: number;
}

/** Quiet traces not yet numbered, up to a batch; a trace is quiet when none of its rows is recent. */
const CANDIDATES = `
  select distinct p.tenant_id, p.trace_id from traces p
   where not p.compacted and p.updated_at < $1::timestamptz
     and not exists (select 1 from traces q where q.trace_id = p.trace_id and q.tenant_id = p.tenant_id and q.updated_at >= $1::timestamptz)
   limit $2`;

/**
 * Locks the summary rows of a batch of quiet traces in one statement. SKIP LOCKED: rows an
 * ingest transaction is updating right now are by definition not quiet.
 */
async function lockQuiet(tx: Queryable, ctx: CompactionContext, cutoff: string): Promise<PendingTrace[]> {
  return tx.query<PendingTrace>(
    `with cand as (${CANDIDATES}), locked as (
       select t.tenant_id, t.trace_id, t.bucket_ns, t.updated_at
         from traces t join cand c on c.tenant_id = t.tenant_id and c.trace_id = t.trace_id
        order by t.tenant_id, t.trace_id, t.bucket_ns
          for update of t skip locked
     )
     select tenant_id, trace_id::text, min(bucket_ns)::text as lo, max(bucket_ns)::text as hi,
            array_agg(bucket_ns::text) as buckets
       from locked group by tenant_id, trace_id having max(updated_at) < $1::timestamptz`,
    [cutoff, ctx.settings.traceBatch],
  );
}

/**
 * The same on Citus, where row locks across shards are not supported: candidates first, then
 * each trace's rows locked by a single-shard statement (trace_id is the distribution column).
 */
async function lockQuietPerTrace(tx: Queryable, ctx: CompactionContext, cutoff: string): Promise<PendingTrace[]> {
  const cands = await tx.query<{ tenant_id: number; trace_id: string }>(
    `select tenant_id, trace_id::text from (${CANDIDATES}) c`,
    [cutoff, ctx.settings.traceBatch],
  );
  const out: PendingTrace[] = [];
  for (const c of cands) {
    const rows = await tx.query<{ bucket_ns: string; quiet: boolean }>(
      `select bucket_ns::text, updated_at < $3::timestamptz as quiet from traces
        where trace_id = $1::uuid and tenant_id = $2 order by bucket_ns for update skip locked`,
      [c.trace_id, c.tenant_id, cutoff],
    );
    if (!rows.length || !rows.every((r) => r.quiet)) continue;
    out.push({ tenant_id: c.tenant_id, trace_id: c.trace_id, lo: rows[0].bucket_ns, hi: rows[rows.length - 1].bucket_ns, buckets: rows.map((r) => r.bucket_ns) });
  }
  return out;
}

async function numberBatch(tx: Queryable, ctx: CompactionContext, cutoff: string): Promise<{ traces: number; spans: number }> {
  const pending = ctx.citus ? await lockQuietPerTrace(tx, ctx, cutoff) : await lockQuiet(tx, ctx, cutoff);
  if (!pending.length) return { traces: 0, spans: 0 };
  const interval = ctx.partitions.intervalNs;
  const lo = pending.reduce((m, p) => (BigInt(p.lo) < m ? BigInt(p.lo) : m), BigInt(pending[0].lo));
  const hi = pending.reduce((m, p) => (BigInt(p.hi) > m ? BigInt(p.hi) : m), BigInt(pending[0].hi)) + interval;
  const spans = await tx.query<SpanRow>(
    // Fresh rows and blocks (migrations/0007); a span both in a block and again as a row (an
    // export retried after its partition was compacted) counts once. Each branch names the
    // traces and bounds its own partitions (a block starts in its partition, and $3 is a
    // partition's start), so blocks are found by key and only these traces' are decompressed.
    `with u as (select * from unnest($1::int4[], $2::uuid[]) as u(tenant_id, trace_id))
     select distinct on (s.tenant_id, s.trace_id, s.span_id, s.start_ns)
            s.tenant_id, s.trace_id::text, encode(s.span_id, 'hex') as span_id, encode(s.parent_span_id, 'hex') as parent_span_id,
            s.start_ns::text, s.service_name, s.status_code
       from (select s.tenant_id, s.trace_id, s.span_id, s.parent_span_id, s.start_ns, s.service_name, s.status_code
               from spans s join u on s.tenant_id = u.tenant_id and s.trace_id = u.trace_id
              where s.start_ns >= $3::text::int8 and s.start_ns < $4::text::int8
             union all
             select b.tenant_id, b.trace_id, b.span_id, b.parent_span_id, b.start_ns, b.service_name, b.status_code
               from span_block_rows b join u on b.tenant_id = u.tenant_id and b.trace_id = u.trace_id
              where b.block_start_ns >= $3::text::int8 and b.block_start_ns < $4::text::int8) s`,
    [pending.map((p) => p.tenant_id), pending.map((p) => p.trace_id), lo.toString(), hi.toString()],
  );
  const byTrace = new Map<string, SpanRow[]>();
  for (const s of spans) {
    const k = `${s.tenant_id}/${s.trace_id}`;
    const l = byTrace.get(k);
    if (l) l.push(s);
    else byTrace.set(k, [s]);
  }
  const upd = { tenant: [] as number[], trace: [] as string[], span: [] as string[], start: [] as string[], left: [] as number[], right: [] as number[], depth: [] as number[] };
  const sum = { tenant: [] as number[], trace: [] as string[], bucket: [] as string[], stats: [] as string[], depth: [] as number[] };
  for (const p of pending) {
    const rows = byTrace.get(`${p.tenant_id}/${p.trace_id}`) ?? [];
    const numbers = nestedSets(rows.map((r) => ({ spanId: r.span_id, parentSpanId: r.parent_span_id ?? '', startNs: BigInt(r.start_ns) })));
    const stats: Record<string, { spanCount: number; errorCount: number }> = {};
    let maxDepth = 0;
    for (const r of rows) {
      const n = numbers.get(r.span_id)!;
      upd.tenant.push(r.tenant_id);
      upd.trace.push(r.trace_id);
      upd.span.push(r.span_id);
      upd.start.push(r.start_ns);
      upd.left.push(n.left);
      upd.right.push(n.right);
      upd.depth.push(n.depth);
      if (n.depth > maxDepth) maxDepth = n.depth;
      const st = (stats[r.service_name] ??= { spanCount: 0, errorCount: 0 });
      st.spanCount++;
      if (r.status_code === 2) st.errorCount++;
    }
    for (const b of p.buckets) {
      sum.tenant.push(p.tenant_id);
      sum.trace.push(p.trace_id);
      sum.bucket.push(b);
      sum.stats.push(JSON.stringify(stats));
      sum.depth.push(Math.min(maxDepth, 32767));
    }
  }
  if (upd.span.length) {
    // Numbers go to span_nested, never back into span rows (see migrations/0004). A trace that
    // is numbered again after a late span replaces its rows.
    await tx.query(
      `insert into span_nested (tenant_id, trace_id, span_id, start_ns, nested_left, nested_right, depth)
       select u.tenant_id, u.trace_id, decode(u.span_hex, 'hex'), u.start_ns, u.l, u.r, u.d
         from unnest($1::int4[], $2::uuid[], $3::text[], $4::text[]::int8[], $5::int4[], $6::int4[], $7::int2[]) as u(tenant_id, trace_id, span_hex, start_ns, l, r, d)
       on conflict (trace_id, tenant_id, span_id, start_ns) do update
         set nested_left = excluded.nested_left, nested_right = excluded.nested_right, depth = excluded.depth
         where (span_nested.nested_left, span_nested.nested_right, span_nested.depth) is distinct from (excluded.nested_left, excluded.nested_right, excluded.depth)`,
      [upd.tenant, upd.trace, upd.span, upd.start, upd.left, upd.right, upd.depth.map((d) => Math.min(d, 32767))],
    );
  }
  await tx.query(
    `update traces t set compacted = true, service_stats = u.stats, max_depth = u.depth
       from unnest($1::int4[], $2::uuid[], $3::text[]::int8[], $4::text[]::jsonb[], $5::int2[]) as u(tenant_id, trace_id, bucket_ns, stats, depth)
      where t.tenant_id = u.tenant_id and t.trace_id = u.trace_id and t.bucket_ns = u.bucket_ns`,
    [sum.tenant, sum.trace, sum.bucket, sum.stats, sum.depth],
  );
  return { traces: pending.length, spans: spans.length };
}
