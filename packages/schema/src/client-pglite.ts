import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { type Db, type Queryable, type Row, cleanParams } from './db.ts';
import { Mutex } from './mutex.ts';

/**
 * PGlite in the calling thread. The HTTP server never uses this directly (a PGlite query blocks
 * the thread running it); it runs inside the worker of `pglite-worker.ts`, and in tests.
 * PGlite is one connection, so a mutex keeps a transaction's statements together.
 */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  const pg = await PGlite.create({
    dataDir: dataDir && dataDir !== 'memory://' ? dataDir : undefined,
    extensions: { pg_trgm, btree_gin },
  });
  const lock = new Mutex();
  const run = async <T>(text: string, params?: readonly unknown[]) =>
    (await pg.query<T>(text, cleanParams(params), { rowMode: 'object' })).rows;
  return {
    driver: 'pglite',
    query: (text, params) => lock.run(() => run(text, params)),
    exec: (script) => lock.run(async () => void (await pg.exec(script))),
    transaction: (fn) =>
      lock.run(async () => {
        await pg.exec('BEGIN');
        const tx: Queryable = { query: run };
        try {
          const out = await fn(tx);
          await pg.exec('COMMIT');
          return out;
        } catch (err) {
          await pg.exec('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    ping: async () => !pg.closed,
    async close() {
      await lock.run(() => pg.close());
    },
  };
}
