import { partitionName } from '@tracegres/schema';
import { type CompactionContext, MINUTE_NS, nowNs } from './context.ts';
import { moveRowsToBlocks } from './span-blocks.ts';
import { readWatermark } from './state.ts';
import { ROLLUP_STEP } from './rollups-step.ts';

/**
 * Step 5: closed partitions made dense. A partition is closed once it ended `closeAfterSeconds`
 * ago, every trace in it is numbered and the rollups (with their look-back) have passed it. Then
 * its span rows move into per-trace compressed blocks (span-blocks.ts), the emptied spans
 * partition is truncated, the traces and span_nested partitions are rewritten in primary-key
 * (trace) order with CLUSTER, which packs them and their indexes, and all are analysed. Done
 * once per partition (`compacted_partitions`); spans that arrive later for a compacted partition
 * are folded into its blocks by later passes.
 */
export async function compactClosedPartitions(ctx: CompactionContext): Promise<{ partitions: string[]; bytesBefore: number; bytesAfter: number }> {
  const now = nowNs(ctx);
  const interval = ctx.partitions.intervalNs;
  const closeNs = BigInt(ctx.settings.closeAfterSeconds) * 1_000_000_000n;
  const rolledUpTo = ((await readWatermark(ctx.db, ROLLUP_STEP)) ?? 0n) - BigInt(ctx.settings.relookMinutes) * MINUTE_NS;
  const done = new Set((await ctx.db.query<{ name: string }>(`select name from compacted_partitions`)).map((r) => r.name));
  const out = { partitions: [] as string[], bytesBefore: 0, bytesAfter: 0 };
  const buckets = await ctx.partitions.load(ctx.db);
  for (const b of buckets) {
    const end = b + interval;
    if (end + closeNs > now || end > rolledUpTo) continue;
    const spansPart = partitionName('spans', b);
    if (done.has(spansPart)) continue;
    const [pending] = await ctx.db.query<{ n: number }>(
      `select count(*)::int4 as n from traces where bucket_ns = $1::text::int8 and not compacted`,
      [b.toString()],
    );
    if (pending.n > 0) continue;
    const parts = [spansPart, partitionName('traces', b), partitionName('span_nested', b), partitionName('span_blocks', b)];
    const before = await totalBytes(ctx, parts);
    await moveRowsToBlocks(ctx.db, spansPart, b, end);
    // Not recorded as compacted until the rows' space is returned: the next pass tries again.
    if (!(await truncateIfEmpty(ctx, spansPart))) continue;
    for (const t of parts.slice(1, 3)) await ctx.db.exec(`cluster "${t}" using "${t}_pkey"`);
    for (const t of parts) await ctx.db.exec(`analyze "${t}"`);
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
  await foldLateSpans(ctx, buckets.filter((b) => done.has(partitionName('spans', b))));
  return out;
}

/** Spans that reached an already compacted partition (late, or a retry) join their traces' blocks. */
async function foldLateSpans(ctx: CompactionContext, compacted: bigint[]): Promise<void> {
  if (!compacted.length) return;
  // One round trip to find the (normally empty) compacted partitions that hold rows again.
  const probe = compacted.map((b) => `select ${b}::int8 as b where exists (select 1 from "${partitionName('spans', b)}")`).join(' union all ');
  for (const { b } of await ctx.db.query<{ b: string }>(`select b::text as b from (${probe}) p`)) {
    const bucket = BigInt(b);
    const part = partitionName('spans', bucket);
    await moveRowsToBlocks(ctx.db, part, bucket, bucket + ctx.partitions.intervalNs);
    await truncateIfEmpty(ctx, part);
  }
}

/**
 * Returns the emptied partition's space (its index too, which VACUUM would keep). Under a short
 * lock timeout: queries that queue behind the lock (ingest writing a late span, a search whose
 * partitions are pruned only at run time) wait at most that long, and if the lock is not had
 * now, a later pass truncates.
 */
async function truncateIfEmpty(ctx: CompactionContext, partition: string): Promise<boolean> {
  try {
    return await ctx.db.transaction(async (tx) => {
      if (ctx.db.driver === 'postgres') await tx.query(`set local lock_timeout = '500ms'`);
      await tx.query(`lock table "${partition}" in access exclusive mode`);
      const [row] = await tx.query<{ empty: boolean }>(`select not exists (select 1 from "${partition}") as empty`);
      if (row.empty) await tx.query(`truncate "${partition}"`);
      return row.empty;
    });
  } catch (err) {
    if ((err as { code?: string }).code !== '55P03') throw err;
    ctx.progress?.(`storage: ${partition} is busy; it is truncated on a later pass`);
    return false;
  }
}

async function totalBytes(ctx: CompactionContext, tables: string[]): Promise<number> {
  const [row] = await ctx.db.query<{ n: string }>(`select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as n from pg_class c where c.relname = any($1::text[])`, [tables]);
  return Number(row.n);
}
