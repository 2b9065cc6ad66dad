import { partitionName } from '@tracegres/schema';
import { type CompactionContext, nowNs } from './context.ts';

/**
 * Step 5: closed partitions made dense. A spans partition is closed once it ended
 * `closeAfterSeconds` ago and every trace in it is numbered; then it is rewritten in primary-key
 * (trace) order with CLUSTER, which also rebuilds its indexes packed, and analysed for the planner. Done once per partition
 * (`compacted_partitions`); CLUSTER holds the partition's lock while it runs, which only touches
 * data that no longer receives spans.
 */
export async function compactClosedPartitions(ctx: CompactionContext): Promise<{ partitions: string[]; bytesBefore: number; bytesAfter: number }> {
  const now = nowNs(ctx);
  const interval = ctx.partitions.intervalNs;
  const closeNs = BigInt(ctx.settings.closeAfterSeconds) * 1_000_000_000n;
  const done = new Set((await ctx.db.query<{ name: string }>(`select name from compacted_partitions`)).map((r) => r.name));
  const out = { partitions: [] as string[], bytesBefore: 0, bytesAfter: 0 };
  for (const b of await ctx.partitions.load(ctx.db)) {
    if (b + interval + closeNs > now) continue;
    const spansPart = partitionName('spans', b);
    if (done.has(spansPart)) continue;
    const [pending] = await ctx.db.query<{ n: number }>(
      `select count(*)::int4 as n from traces where bucket_ns = $1::text::int8 and not compacted`,
      [b.toString()],
    );
    if (pending.n > 0) continue;
    const parts = [spansPart, partitionName('traces', b), partitionName('span_nested', b)];
    const before = await totalBytes(ctx, parts);
    for (const t of parts) {
      await ctx.db.exec(`cluster "${t}" using "${t}_pkey"; analyze "${t}"`);
    }
    const after = await totalBytes(ctx, parts);
    await ctx.db.query(
      `insert into compacted_partitions (name, bucket_ns, bytes_before, bytes_after, rewritten) values ($1, $2::text::int8, $3, $4, true)
       on conflict (name) do update set bytes_before = excluded.bytes_before, bytes_after = excluded.bytes_after, compacted_at = now()`,
      [spansPart, b.toString(), before, after],
    );
    out.partitions.push(spansPart);
    out.bytesBefore += before;
    out.bytesAfter += after;
  }
  return out;
}

async function totalBytes(ctx: CompactionContext, tables: string[]): Promise<number> {
  const [row] = await ctx.db.query<{ n: string }>(`select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as n from pg_class c where c.relname = any($1::text[])`, [tables]);
  return Number(row.n);
}
