// An in-process Tracegres on a test database: the real app, served on a loopback port so that
// real OTLP exporters can send to it.
import { type Hono } from 'hono';
import { createApp } from '../../apps/api/src/app.ts';
import { buildDeps } from '../../apps/api/src/boot.ts';
import { parseConfig } from '../../apps/api/src/config.ts';
import type { Deps } from '../../apps/api/src/deps.ts';
import { createLogger } from '../../apps/api/src/log.ts';
import { createDecodePool } from '../../apps/api/src/runtime/decode-pool.ts';
import { nodeRuntime } from '../../apps/api/src/runtime/node.ts';
import type { Listener } from '../../apps/api/src/runtime/types.ts';
import { type Driver, type TestDatabase, openTestDatabase } from './databases.ts';

export interface TestServer {
  app: Hono;
  deps: Deps;
  database: TestDatabase;
  url: string;
  listener: Listener;
  close(): Promise<void>;
}

export async function startTestServer(
  driver: Driver,
  env: Record<string, string> = {},
  opts: { now?: () => number } = {},
): Promise<TestServer> {
  return startServerOn(await openTestDatabase(driver), env, opts);
}

/** Serves the real app over an already opened test database. */
export async function startServerOn(
  database: TestDatabase,
  env: Record<string, string> = {},
  opts: { now?: () => number } = {},
): Promise<TestServer> {
  const config = parseConfig({ HOST: '127.0.0.1', PORT: '0', OTLP_HTTP_PORT: '0', LOG_LEVEL: 'error', ...env });
  const deps = await buildDeps(config, database.db, { log: createLogger('error'), runtime: 'test', now: opts.now, inflate: nodeRuntime.inflate });
  // As in production: on server Postgres, requests are decoded on a worker thread.
  if (database.db.driver === 'postgres') deps.decoder = createDecodePool(1);
  const app = createApp(deps);
  const listener = await nodeRuntime.serve(app.fetch, 0, '127.0.0.1');
  return {
    app,
    deps,
    database,
    listener,
    url: `http://127.0.0.1:${listener.port}`,
    async close() {
      await listener.close();
      await deps.decoder?.close();
      await database.drop();
    },
  };
}
