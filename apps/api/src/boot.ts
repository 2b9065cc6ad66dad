import { type Db, Partitions, applyCitusLayout, createPostgresDb, describeCitusLayout, migrate, partitionInterval } from '@tracegres/schema';
import { createPgliteWorkerDb, loadMigrations, noDelaySocket } from '@tracegres/schema/node';
import { runDemoStream } from '@tracegres/loadgen';
import { createDecodePool } from './runtime/decode-pool.ts';
import { defaultCompactionSettings } from './compaction/context.ts';
import { startCompactionScheduler } from './compaction/scheduler.ts';
import { createApp, createOtlpApp } from './app.ts';
import type { Config } from './config.ts';
import { buildInfoFor } from './build-info.ts';
import type { Deps } from './deps.ts';
import { grpcExportHandler } from './ingest/grpc-export.ts';
import { TagDictionary } from './ingest/tag-dictionary.ts';
import { SpanWriter } from './ingest/writer.ts';
import { type Logger, createLogger } from './log.ts';
import { createAppMetrics } from './metrics/app-metrics.ts';
import { createLimits } from './limits/ingest-limits.ts';
import type { Listener, RuntimeAdapter } from './runtime/types.ts';
import { Tenants } from './storage/tenants.ts';

export { TRACEGRES_VERSION } from './build-info.ts';

const HOUR_NS = 3600n * 1_000_000_000n;

/** Real Postgres when DATABASE_URL is set, else embedded PGlite (in a worker) in DATA_DIR. */
export async function openDatabase(config: Config): Promise<Db> {
  if (config.databaseUrl) return createPostgresDb(config.databaseUrl, { max: config.dbPoolSize, socket: noDelaySocket });
  return createPgliteWorkerDb(config.dataDir);
}

export interface BuildOptions {
  now?: () => number;
  log?: Logger;
  runtime?: string;
  uiIndexHtml?: string;
  inflate?: Deps['inflate'];
  decoder?: Deps['decoder'];
}

/** Migrates the database and wires every dependency the handlers need. */
export async function buildDeps(config: Config, db: Db, opts: BuildOptions = {}): Promise<Deps> {
  const log = opts.log ?? createLogger(config.logLevel);
  const now = opts.now ?? Date.now;
  const result = await migrate(db, await loadMigrations());
  if (result.applied.length) log.info('migrations applied', { applied: result.applied });
  // On Citus, tables a migration just created must be distributed before anything writes to them.
  const citus = await applyCitusLayout(db);
  if (citus.citus) log.info(describeCitusLayout(citus));
  const defaultInterval = db.driver === 'pglite' ? 24n * HOUR_NS : HOUR_NS;
  const want = config.partitionIntervalSeconds ? BigInt(config.partitionIntervalSeconds) * 1_000_000_000n : defaultInterval;
  const intervalNs = await partitionInterval(db, want);
  if (config.partitionIntervalSeconds && intervalNs !== want) {
    log.warn('PARTITION_INTERVAL differs from the interval this database was created with; keeping the stored one', {
      storedSeconds: Number(intervalNs / 1_000_000_000n),
    });
  }
  const partitions = new Partitions(intervalNs);
  await partitions.load(db);
  await ensureAhead(db, partitions, now);
  const metrics = createAppMetrics();
  const writer = new SpanWriter(db, partitions, metrics, {
    writers: db.driver === 'pglite' ? 1 : Math.max(1, Math.min(4, config.dbPoolSize - 2)),
    maxBatchSpans: 16_384,
    maxQueuedSpans: 200_000,
  });
  const buildInfo = buildInfoFor(opts.runtime);
  return {
    config,
    db,
    tenants: new Tenants(db),
    partitions,
    writer,
    tags: new TagDictionary(),
    metrics,
    limits: createLimits(db, config.limits, metrics.registry, log),
    log,
    buildInfo,
    now,
    uiIndexHtml: opts.uiIndexHtml,
    inflate: opts.inflate,
    decoder: opts.decoder,
  };
}

/** Creates the current partition and the next two, so ingest rarely waits on DDL. */
export async function ensureAhead(db: Db, partitions: Partitions, now: () => number): Promise<void> {
  const nowNs = BigInt(now()) * 1_000_000n;
  await partitions.ensureRange(db, nowNs - partitions.intervalNs, nowNs + 2n * partitions.intervalNs);
}

export interface RunningServer {
  deps: Deps;
  listeners: { api: Listener; otlp?: Listener; grpc?: Listener };
  close(): Promise<void>;
}

/** Starts a long-running server: database, HTTP listeners, partition upkeep. */
export async function startServer(config: Config, rt: RuntimeAdapter): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config);
  // The built UI if present, else the placeholder page from the source tree.
  const uiIndexHtml =
    (await rt.readText(new URL('../../web/dist/index.html', import.meta.url).pathname)) ??
    (await rt.readText(new URL('../../web/index.html', import.meta.url).pathname));
  // Decoding off the main thread pays only on server Postgres (PGlite already has its own thread
  // and keeps the decoded spans for its insert path).
  const deps = await buildDeps(config, db, { log, runtime: `${rt.name} ${rt.version}`, uiIndexHtml, inflate: rt.inflate });
  const decoder = db.driver === 'postgres' && config.ingestDecodeWorkers > 0 ? createDecodePool(config.ingestDecodeWorkers) : undefined;
  deps.decoder = decoder;
  const api = await rt.serve(createApp(deps).fetch, config.port, config.host);
  const otlp = config.otlpHttpPort ? await rt.serve(createOtlpApp(deps).fetch, config.otlpHttpPort, config.host) : undefined;
  const grpc =
    config.otlpGrpcPort && rt.serveGrpc
      ? await rt.serveGrpc(grpcExportHandler(deps), config.otlpGrpcPort, config.host, config.ingestMaxBodyBytes)
      : undefined;
  const timer = setInterval(() => {
    ensureAhead(db, deps.partitions, deps.now).catch((err) => log.warn('partition upkeep failed', { error: String(err) }));
  }, 60_000);
  const compaction =
    config.compactionIntervalSeconds > 0
      ? startCompactionScheduler(
          { db, partitions: deps.partitions, now: deps.now, settings: defaultCompactionSettings(config.retentionSeconds, config.compactionQuietSeconds) },
          config.compactionIntervalSeconds,
          log,
        )
      : undefined;
  const tagTimer = setInterval(() => {
    deps.tags.flush(db).catch((err) => log.warn('tag dictionary flush failed', { error: String(err) }));
  }, 1000);
  const demo = new AbortController();
  if (config.demo) {
    // Real OTLP/HTTP to our own port, so demo data takes the path every sender takes.
    void runDemoStream({
      url: `http://127.0.0.1:${api.port}`,
      rate: 5,
      signal: demo.signal,
      progressMs: 60_000,
      onProgress: (line) => log.info(line),
      onWarn: (line) => log.warn(line),
    });
  }
  log.info('tracegres started', {
    runtime: rt.name,
    port: api.port,
    otlpHttpPort: otlp?.port ?? 0,
    otlpGrpcPort: grpc?.port ?? 0,
    database: config.databaseUrl ? 'postgres' : `pglite (${config.dataDir})`,
    demo: config.demo,
  });
  return {
    deps,
    listeners: { api, otlp, grpc },
    async close() {
      clearInterval(timer);
      clearInterval(tagTimer);
      demo.abort();
      await Promise.all([api.close(), otlp?.close(), grpc?.close()]);
      await compaction?.stop();
      await deps.tags.flush(db).catch((err) => log.warn('tag dictionary flush failed', { error: String(err) }));
      await decoder?.close();
      await db.close();
    },
  };
}
