import { type CompactionContext, nowNs } from './context.ts';

const NS_PER_S = 1_000_000_000n;

/**
 * Step 1: partitions ahead of time, and retention. Spans and trace summaries go a whole partition
 * at a time, never by row deletes: a partition is dropped once it ended before the longest
 * retention any tenant has (the global RETENTION or a tenant's own `retention_seconds`), so a
 * longer per-tenant retention is honoured; a shorter one cannot drop shared partitions early.
 * Rollups and dictionary rows, small tables with no partitions, lose their expired rows.
 */
export async function applyRetention(ctx: CompactionContext): Promise<{ created: number; dropped: string[] }> {
  const now = nowNs(ctx);
  const interval = ctx.partitions.intervalNs;
  const before = (await ctx.partitions.load(ctx.db)).length;
  await ctx.partitions.ensureRange(ctx.db, now - interval, now + 2n * interval);
  const created = (await ctx.partitions.load(ctx.db)).length - before;
  const [row] = await ctx.db.query<{ longest: number | null }>(`select max(retention_seconds) as longest from tenants`);
  const longest = Math.max(ctx.settings.retentionSeconds, row?.longest ?? 0);
  const dropped = await ctx.partitions.dropBefore(ctx.db, now - BigInt(Math.round(longest)) * NS_PER_S);
  if (dropped.length) await ctx.db.query(`delete from compacted_partitions where name = any($1::text[])`, [dropped]);
  const cutoff = (now - BigInt(Math.round(longest)) * NS_PER_S).toString();
  await ctx.db.query(`delete from span_metrics_1m where minute_ns < $1::text::int8`, [cutoff]);
  await ctx.db.query(`delete from service_graph_1m where minute_ns < $1::text::int8`, [cutoff]);
  await ctx.db.query(`delete from tag_values where last_seen_ns < $1::text::int8`, [cutoff]);
  await ctx.db.query(`delete from tag_keys where last_seen_ns < $1::text::int8`, [cutoff]);
  return { created, dropped };
}
