import { compactionContext } from '../compaction/from-config.ts';
import { runCompaction } from '../compaction/job.ts';
import { type ScheduledController, type WorkerEnv, compactionDatabaseUrl } from '../runtime/worker.ts';
import { ensureSchema, isolateState } from './isolate.ts';
import { openWorkerDb } from './request-scope.ts';

/**
 * The Cron Trigger: one pass of the same compaction job the server runs on an interval and
 * `npm run compact` runs once (compaction/job.ts), with a database client of its own. A failed
 * pass throws, so the platform records the run as failed; the next one resumes from the
 * watermarks.
 */
export async function handleScheduled(controller: ScheduledController, env: WorkerEnv): Promise<void> {
  const s = isolateState(env);
  const url = compactionDatabaseUrl(env);
  if (!url) throw new Error('tracegres has no database: set DATABASE_URL or bind HYPERDRIVE');
  const db = openWorkerDb(url, 'tracegres-compaction');
  try {
    await ensureSchema(s, db);
    const ctx = await compactionContext(s.config, db, Date.now, (line) => s.log.info(`compaction ${line}`));
    const summary = await runCompaction(ctx);
    s.log.info('compaction pass done', {
      cron: controller.cron,
      ran: summary.ran,
      ms: summary.ms,
      traces: summary.tracesNumbered,
      minutes: summary.minutesRolledUp,
      dropped: summary.partitionsDropped.length,
      compacted: summary.partitionsCompacted.length,
    });
  } catch (err) {
    s.log.error('compaction pass failed; the next run resumes from the watermarks', { error: String((err as Error)?.message ?? err) });
    throw err;
  } finally {
    await db.close().catch(() => {});
  }
}
