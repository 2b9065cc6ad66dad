import { type Command, UsageError, configFrom, databaseFlags, helpFlag, withDatabase } from './command.ts';

export const compactCommand: Command = {
  name: 'compact',
  summary: 'run one pass of the compaction job (retention, trace numbering, rollups, dense storage)',
  usage: `Usage: tracegres compact [options]
Runs one pass of the compaction job and prints a line per step and a summary: drops partitions
past RETENTION, numbers traces quiet for COMPACTION_QUIET, rolls spans up into per-minute
metrics and service-graph edges, and moves closed partitions into compressed per-trace blocks.
Safe while servers run their own passes: only the holder of the job's advisory lock works, the
others skip.`,
  flags: { ...databaseFlags, ...helpFlag },
  async run(flags, positionals, io) {
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const config = configFrom(flags, io.env);
    const { migrate } = await import('@tracegres/schema');
    const { loadMigrations } = await import('@tracegres/schema/node');
    const { compactionContext } = await import('../compaction/from-config.ts');
    const { runCompaction } = await import('../compaction/job.ts');
    return withDatabase(config, async (db) => {
      await migrate(db, await loadMigrations());
      const ctx = await compactionContext(config, db, Date.now, (line) => io.out(line));
      const s = await runCompaction(ctx);
      if (s.ran) {
        io.out(
          `done in ${(s.ms / 1000).toFixed(1)} s: ${s.tracesNumbered} traces numbered, ${s.minutesRolledUp} minutes rolled up, ` +
            `${s.partitionsCompacted.length} partitions compacted, ${s.partitionsDropped.length} dropped`,
        );
      }
      return 0;
    });
  },
};
