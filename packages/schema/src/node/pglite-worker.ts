import { startTsWorker } from './ts-worker.ts';
import type { Db, Queryable, Row } from '../db.ts';
import { Mutex } from '../mutex.ts';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol.ts';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Embedded Postgres (PGlite) in a worker thread, behind the `Db` interface. A PGlite query
 * blocks the thread that runs it, so running it here keeps the HTTP server responsive while a
 * heavy query or a big ingest batch runs. Works on Node, Bun and Deno (node:worker_threads).
 */
export async function createPgliteWorkerDb(dataDir?: string): Promise<Db> {
  const worker = startTsWorker(new URL('./pglite-worker-entry.ts', import.meta.url), { dataDir });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let dead: Error | null = null;
  worker.on('message', (r: WorkerResponse) => {
    const p = pending.get(r.id);
    pending.delete(r.id);
    p?.resolve(r);
  });
  const fail = (err: Error) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`PGlite worker exited (code ${code})`)));

  const call = async (req: RequestBody): Promise<Row[]> => {
    if (dead) throw Object.assign(new Error(`embedded database unavailable: ${dead.message}`), { code: '08006' });
    const id = nextId++;
    const res = await new Promise<WorkerResponse>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...req });
    });
    if (!res.ok) throw Object.assign(new Error(res.error?.message ?? 'PGlite error'), { code: res.error?.code });
    return res.rows ?? [];
  };
  const lock = new Mutex();
  const db: Db = {
    driver: 'pglite',
    query: <T>(text: string, params?: readonly unknown[]) =>
      lock.run(() => call({ op: 'query', text, params })) as Promise<T[]>,
    exec: (text) => lock.run(async () => void (await call({ op: 'exec', text }))),
    transaction: (fn) =>
      lock.run(async () => {
        await call({ op: 'begin' });
        const tx: Queryable = {
          query: <T>(text: string, params?: readonly unknown[]) =>
            call({ op: 'query', text, params }) as Promise<T[]>,
        };
        try {
          const out = await fn(tx);
          await call({ op: 'commit' });
          return out;
        } catch (err) {
          await call({ op: 'rollback' }).catch(() => {});
          throw err;
        }
      }),
    ping: async () => {
      if (dead) return false;
      try {
        const [row] = await lock.run(() => call({ op: 'ping' }));
        return Boolean(row?.alive);
      } catch {
        return false;
      }
    },
    async close() {
      if (!dead) await lock.run(() => call({ op: 'close' })).catch(() => {});
      await worker.terminate();
    },
  };
  return db;
}
