import { type Db, type Partitions, migrate } from '@tracegres/schema';
import migrations from 'tracegres:migrations';
import { buildInfoFor } from '../build-info.ts';
import { compactionContext } from '../compaction/from-config.ts';
import { type Config, parseConfig } from '../config.ts';
import type { BuildInfo } from '../deps.ts';
import { TagDictionary } from '../ingest/tag-dictionary.ts';
import { type Logger, createLogger } from '../log.ts';
import { type AppMetrics, createAppMetrics } from '../metrics/app-metrics.ts';
import { type WorkerEnv, workerRuntimeName, workerVars } from '../runtime/worker.ts';

/**
 * What one isolate keeps between requests: plain data only (configuration, counters, the
 * partition list, the tag dictionary's memory). Never a connection or a promise: workerd ties
 * I/O to the request that opened it, so each request opens its own database client.
 */
export interface IsolateState {
  config: Config;
  log: Logger;
  metrics: AppMetrics;
  buildInfo: BuildInfo;
  /** Set once the schema is migrated and the partition list loaded. */
  partitions: Partitions | undefined;
  /** Remembers which attribute names and values were written, so repeats are not rewritten. */
  tags: TagDictionary;
  /** A request is flushing `tags`; others record into a dictionary of their own meanwhile. */
  tagsBusy: boolean;
}

// Bodies are decoded in memory and an isolate has 128 MB: a lower default than the server's.
const WORKER_DEFAULTS = { INGEST_MAX_BODY_BYTES: String(16 * 1024 * 1024) };

let state: IsolateState | undefined;

/** This isolate's state; the first call parses the configuration (throws ConfigError). */
export function isolateState(env: WorkerEnv): IsolateState {
  if (state) return state;
  const config = parseConfig({ ...WORKER_DEFAULTS, ...workerVars(env) });
  state = {
    config,
    log: createLogger(config.logLevel, (line) => console.log(line)),
    metrics: createAppMetrics(),
    // workerd reports no version of its own to scripts; its user agent names the platform.
    buildInfo: buildInfoFor(`${workerRuntimeName} ${globalThis.navigator?.userAgent ?? ''}`.trim()),
    partitions: undefined,
    tags: new TagDictionary(),
    tagsBusy: false,
  };
  return state;
}

/**
 * Applies the bundled migrations and loads the partition list, once per isolate. Concurrent
 * first requests each do it with their own connection (check, then set) instead of awaiting
 * another request's promise, which workerd cancels when that request ends. Migrating is
 * idempotent and serialised by an advisory lock in Postgres.
 */
export async function ensureSchema(s: IsolateState, db: Db): Promise<Partitions> {
  if (s.partitions) return s.partitions;
  const result = await migrate(db, migrations);
  if (result.applied.length) s.log.info('migrations applied', { applied: result.applied });
  const { partitions } = await compactionContext(s.config, db, Date.now);
  s.partitions ??= partitions;
  return s.partitions;
}
