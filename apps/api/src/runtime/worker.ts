// The Cloudflare Workers (workerd) side of the runtime boundary: the shapes of the bindings and
// contexts workerd hands to main.worker.ts, and how configuration and the database URL are read
// from them. Declared here rather than taken from @cloudflare/workers-types so the repository's
// one tsconfig (DOM + Node types) stays as it is.

/** A binding that answers requests (the static-assets binding). */
export interface Fetcher {
  fetch(input: Request | string, init?: RequestInit): Promise<Response>;
}

/** Hyperdrive's binding: a connection string to its pooled, regional Postgres proxy. */
export interface HyperdriveBinding {
  connectionString: string;
}

/** What wrangler.toml binds: plain-text vars and secrets, plus these objects. */
export interface WorkerEnv {
  HYPERDRIVE?: HyperdriveBinding;
  ASSETS?: Fetcher;
  DATABASE_URL?: string;
  [name: string]: unknown;
}

/** The per-invocation context: work passed to waitUntil may finish after the response. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** A Cron Trigger firing. */
export interface ScheduledController {
  cron: string;
  scheduledTime: number;
}

/** Name reported in buildinfo; the contract suite checks it (TRACEGRES_RUNTIME=workerd). */
export const workerRuntimeName = 'workerd';

/** The string-valued bindings (vars and secrets), the input parseConfig expects. */
export function workerVars(env: WorkerEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Where requests reach Postgres: Hyperdrive when bound (it pools connections across requests
 * and isolates), else DATABASE_URL (local `wrangler dev`, or a database that accepts direct
 * connections).
 */
export function requestDatabaseUrl(env: WorkerEnv): string | undefined {
  return env.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
}

/**
 * Where the compaction job connects: DATABASE_URL first. The job holds a session-level advisory
 * lock (one leader across replicas), which a transaction-mode pooler such as Hyperdrive does not
 * keep on one server connection, so a direct URL is preferred when one is given.
 */
export function compactionDatabaseUrl(env: WorkerEnv): string | undefined {
  return env.DATABASE_URL ?? env.HYPERDRIVE?.connectionString;
}
