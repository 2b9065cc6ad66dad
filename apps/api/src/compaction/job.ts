import { hasCitus } from '@tracegres/schema';
import type { CompactionContext } from './context.ts';
import { applyRetention } from './retention-step.ts';
import { rollUp } from './rollups-step.ts';
import { compactClosedPartitions } from './storage-step.ts';
import { numberQuietTraces } from './traces-step.ts';

/** Advisory lock key of the job ("tgcompac" as ASCII): one leader across replicas. */
const LEADER_LOCK = 0x7467636f6d706163n;

export interface CompactionSummary {
  /** False when another process holds the leader lock; nothing was done. */
  ran: boolean;
  ms: number;
  partitionsCreated: number;
  partitionsDropped: string[];
  tracesNumbered: number;
  spansNumbered: number;
  minutesRolledUp: number;
  partitionsCompacted: string[];
  bytesBefore: number;
  bytesAfter: number;
}

export type CompactionStep = 'retention' | 'traces' | 'rollups' | 'storage';

/**
 * One pass of the compaction job: retention and partitions, trace numbering, rollups, dense
 * storage. Every step is idempotent and commits its progress in small transactions, so a pass
 * killed at any point and run again ends with the same tables as one clean pass.
 *
 * On server Postgres the pass holds a session advisory lock: replicas that fail to take it skip
 * the pass. `stopAfter` ends the pass early (tests interrupt the job with it).
 */
export async function runCompaction(ctx: CompactionContext, opts: { stopAfter?: CompactionStep } = {}): Promise<CompactionSummary> {
  const t0 = performance.now();
  const empty: CompactionSummary = {
    ran: false, ms: 0, partitionsCreated: 0, partitionsDropped: [], tracesNumbered: 0, spansNumbered: 0,
    minutesRolledUp: 0, partitionsCompacted: [], bytesBefore: 0, bytesAfter: 0,
  };
  if (!ctx.db.session) return runSteps(ctx, { ...empty, ran: true }, t0, opts.stopAfter);
  return ctx.db.session(async (conn) => {
    const [got] = await conn.query<{ ok: boolean }>(`select pg_try_advisory_lock($1::text::int8) as ok`, [LEADER_LOCK.toString()]);
    if (!got.ok) {
      ctx.progress?.('another process holds the compaction lock; skipping this pass');
      return empty;
    }
    try {
      return await runSteps(ctx, { ...empty, ran: true }, t0, opts.stopAfter);
    } finally {
      await conn.query(`select pg_advisory_unlock($1::text::int8)`, [LEADER_LOCK.toString()]);
    }
  });
}

async function runSteps(base: CompactionContext, s: CompactionSummary, t0: number, stopAfter?: CompactionStep): Promise<CompactionSummary> {
  const ctx = { ...base, citus: base.citus ?? (await hasCitus(base.db)) };
  // Each step's line ends with the time it took, so an operator sees where a slow pass went.
  let lap = performance.now();
  const say = (line: string) => {
    const now = performance.now();
    ctx.progress?.(`${line} in ${((now - lap) / 1000).toFixed(1)} s`);
    lap = now;
  };
  const finish = () => ({ ...s, ms: Math.round(performance.now() - t0) });

  const r = await applyRetention(ctx);
  s.partitionsCreated = r.created;
  s.partitionsDropped = r.dropped;
  say(`retention: ${r.created} partition(s) created ahead, ${r.dropped.length} dropped${r.dropped.length ? ` (${r.dropped.join(', ')})` : ''}`);
  if (stopAfter === 'retention') return finish();

  const t = await numberQuietTraces(ctx);
  s.tracesNumbered = t.traces;
  s.spansNumbered = t.spans;
  say(`traces: ${t.traces} quiet trace(s) numbered (${t.spans} spans)`);
  if (stopAfter === 'traces') return finish();

  const u = await rollUp(ctx);
  s.minutesRolledUp = u.minutes;
  say(`rollups: ${u.minutes} minute(s) rolled up${u.fromNs !== undefined ? ` from ${iso(u.fromNs)} to ${iso(u.toNs!)}` : ''}`);
  if (stopAfter === 'rollups') return finish();

  const c = await compactClosedPartitions(ctx);
  s.partitionsCompacted = c.partitions;
  s.bytesBefore = c.bytesBefore;
  s.bytesAfter = c.bytesAfter;
  say(
    `storage: ${c.partitions.length} closed partition(s) moved into per-trace blocks` +
      (c.partitions.length ? ` (${mib(c.bytesBefore)} -> ${mib(c.bytesAfter)} MiB)` : ''),
  );
  return finish();
}

const iso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
const mib = (b: number) => (b / 1048576).toFixed(1);
