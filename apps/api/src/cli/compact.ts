// `npm run compact`: one pass of the compaction job against DATABASE_URL (or the embedded
// database in DATA_DIR), printing a progress line per step and a summary. Safe to run while
// servers run their own passes: only the holder of the job's advisory lock works.
import { migrate } from '@tracegres/schema';
import { loadMigrations } from '@tracegres/schema/node';
import { openDatabase } from '../boot.ts';
import { compactionContext } from '../compaction/from-config.ts';
import { runCompaction } from '../compaction/job.ts';
import { ConfigError, parseConfig } from '../config.ts';

try {
  const config = parseConfig(process.env);
  const db = await openDatabase(config);
  try {
    await migrate(db, await loadMigrations());
    const ctx = await compactionContext(config, db, Date.now, (line) => console.log(line));
    const s = await runCompaction(ctx);
    if (s.ran) {
      console.log(
        `done in ${(s.ms / 1000).toFixed(1)} s: ${s.tracesNumbered} traces numbered, ${s.minutesRolledUp} minutes rolled up, ` +
          `${s.partitionsCompacted.length} partitions compacted, ${s.partitionsDropped.length} dropped`,
      );
    }
  } finally {
    await db.close();
  }
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `compaction failed: ${(err as Error).message}`);
  process.exit(1);
}
