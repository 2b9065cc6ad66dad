import type { Db, Partitions } from '@tracegres/schema';

/** What every compaction step needs; the in-process scheduler, the CLI and tests build one. */
export interface CompactionContext {
  db: Db;
  partitions: Partitions;
  /** Wall clock in ms (tests substitute a controlled one). */
  now: () => number;
  settings: CompactionSettings;
  /** Set by the job when the database runs Citus (some statements take a single-shard form). */
  citus?: boolean;
  /** One line per step as it finishes (the CLI prints them; the server logs at debug). */
  progress?: (line: string) => void;
}

export interface CompactionSettings {
  /** Global retention; tenants may override it (tenants.retention_seconds). */
  retentionSeconds: number;
  /** A trace with no new spans for this long is numbered and summarised. */
  quietSeconds: number;
  /** Traces numbered per transaction. */
  traceBatch: number;
  /** Minutes already rolled up that each pass rolls up again, to take in late spans. */
  relookMinutes: number;
  /** A minute is rolled up once it ended this long ago (spans of one request arrive apart). */
  settleSeconds: number;
  /** A partition moves into per-trace blocks once it ended this long ago, its traces are numbered and the rollups passed it. */
  closeAfterSeconds: number;
}

export const defaultCompactionSettings = (retentionSeconds: number, quietSeconds: number): CompactionSettings => ({
  retentionSeconds,
  quietSeconds,
  traceBatch: 500,
  relookMinutes: 5,
  settleSeconds: 60,
  closeAfterSeconds: Math.max(600, quietSeconds * 2),
});

export const NS_PER_MS = 1_000_000n;
export const MINUTE_NS = 60_000_000_000n;
export const nowNs = (ctx: CompactionContext): bigint => BigInt(Math.floor(ctx.now())) * NS_PER_MS;
