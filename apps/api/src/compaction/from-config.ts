import { type Db, Partitions, partitionInterval } from '@tracegres/schema';
import type { Config } from '../config.ts';
import { type CompactionContext, defaultCompactionSettings } from './context.ts';

const HOUR_NS = 3600n * 1_000_000_000n;

/** The job's context from configuration, for the CLI (the server builds it from its deps). */
export async function compactionContext(config: Config, db: Db, now: () => number, progress?: (line: string) => void): Promise<CompactionContext> {
  const def = db.driver === 'pglite' ? 24n * HOUR_NS : HOUR_NS;
  const want = config.partitionIntervalSeconds ? BigInt(config.partitionIntervalSeconds) * 1_000_000_000n : def;
  const partitions = new Partitions(await partitionInterval(db, want));
  await partitions.load(db);
  return { db, partitions, now, progress, settings: defaultCompactionSettings(config.retentionSeconds, config.compactionQuietSeconds) };
}
