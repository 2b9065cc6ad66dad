import type { Logger } from '../log.ts';
import type { CompactionContext } from './context.ts';
import { runCompaction } from './job.ts';

/**
 * Runs the compaction job in the API process every `intervalSeconds`, never two passes at once.
 * Several replicas may all run this: the job's advisory lock lets one of them work per pass.
 */
export function startCompactionScheduler(ctx: CompactionContext, intervalSeconds: number, log: Logger): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = runCompaction({ ...ctx, progress: (line) => log.debug(`compaction ${line}`) })
      .then((s) => {
        if (s.ran) log.debug('compaction pass done', { ms: s.ms, traces: s.tracesNumbered, minutes: s.minutesRolledUp, compacted: s.partitionsCompacted.length });
      })
      .catch((err) => log.warn('compaction pass failed; the next pass resumes from the watermark', { error: String((err as Error)?.message ?? err) }))
      .finally(() => (running = undefined));
  };
  const first = setTimeout(tick, 1000);
  const timer = setInterval(tick, intervalSeconds * 1000);
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
