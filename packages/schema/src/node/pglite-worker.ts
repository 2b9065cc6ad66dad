import type { Db, Queryable, Row } from '../db.ts';
import { Mutex } from '../mutex.ts';
import { budgetChange } from './pglite-budget.ts';
import { PgliteThread, type RequestBody, unavailable } from './pglite-thread.ts';

/** SQLSTATE query_canceled, as server Postgres reports a statement stopped by statement_timeout. */
const QUERY_CANCELED = '57014';

export interface PgliteWorkerOptions {
  /** Told each time the watchdog stops a statement and reopens the database. */
  onStatementTimeout?: (event: { timeoutMs: number; statement: string }) => void;
}

/**
 * Embedded Postgres (PGlite) in a worker thread, behind the `Db` interface. A PGlite query
 * blocks the thread that runs it, so running it here keeps the HTTP server responsive while a
 * heavy query or a big ingest batch runs. Works on Node, Bun and Deno (node:worker_threads).
 *
 * `statement_timeout` is enforced here, because WASM Postgres never fires it: a statement that
 * runs under a timeout (`SET [LOCAL] statement_timeout`, read by pglite-budget.ts) and overruns
 * it has its thread terminated, fails with SQLSTATE 57014 like on server Postgres, and the
 * database is reopened from its files (crash recovery replays the WAL; a transaction cut off
 * is rolled back as after a power cut). Statements without a timeout, such as ingest writes,
 * are never stopped. An in-memory database (no `dataDir`, or `memory://`) could not be
 * reopened, so it gets no watchdog.
 */
export async function createPgliteWorkerDb(dataDir?: string, opts: PgliteWorkerOptions = {}): Promise<Db> {
  const dir = dataDir && dataDir !== 'memory://' ? dataDir : undefined;
  let thread = new PgliteThread(dir);
  let closed = false;
  // Budgets in force, ms (0 = none): the session's, and the open transaction's SET LOCAL.
  let sessionBudget = 0;
  let txBudget: number | null = null;

  const stopForTimeout = (victim: PgliteThread, timeoutMs: number, statement: string) => {
    if (thread !== victim) return;
    const err = Object.assign(new Error(`canceling statement due to statement timeout (${timeoutMs}ms)`), { code: QUERY_CANCELED });
    void victim.stop(err);
    if (closed) return; // shutting down: nothing to reopen
    // A fresh thread on the same files; requests wait for it to open (see PgliteThread.ready).
    thread = new PgliteThread(dir);
    sessionBudget = 0;
    txBudget = null;
    opts.onStatementTimeout?.({ timeoutMs, statement: statement.slice(0, 200) });
  };

  const call = async (req: RequestBody, budgetMs = 0): Promise<Row[]> => {
    const t = thread;
    try {
      // Opening (and crash recovery after a stop) is not the statement's time.
      await t.ready;
    } catch (err) {
      throw t.dead ? unavailable(t.dead) : err;
    }
    const res = t.send(req);
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (budgetMs > 0 && dir !== undefined) {
      const text = 'text' in req ? req.text : req.op;
      timer = setTimeout(() => stopForTimeout(t, budgetMs, text), budgetMs);
    }
    try {
      const r = await res;
      if (!r.ok) throw Object.assign(new Error(r.error?.message ?? 'PGlite error'), { code: r.error?.code });
      return r.rows ?? [];
    } finally {
      clearTimeout(timer);
    }
  };

  /**
   * Runs one statement (in the transaction opened on `txThread`, if given); notes a
   * statement_timeout it sets, and is bounded by the one in force.
   */
  const statement = async (text: string, params: readonly unknown[] | undefined, txThread?: PgliteThread): Promise<Row[]> => {
    const inTx = txThread !== undefined;
    // After a stop the transaction is gone: what follows must not run outside it, in autocommit.
    if (inTx && thread !== txThread) throw abortedTransaction();
    const budget = (inTx ? txBudget : null) ?? sessionBudget;
    const rows = await call({ op: 'query', text, params }, budget);
    const change = budgetChange(text);
    if (change?.local && inTx) txBudget = change.ms;
    else if (change && !change.local) sessionBudget = change.ms;
    return rows;
  };

  const lock = new Mutex();
  const db: Db = {
    driver: 'pglite',
    query: <T>(text: string, params?: readonly unknown[]) => lock.run(() => statement(text, params)) as Promise<T[]>,
    exec: (text) => lock.run(async () => void (await call({ op: 'exec', text }))),
    transaction: (fn) =>
      lock.run(async () => {
        await call({ op: 'begin' });
        const opened = thread;
        txBudget = null;
        const tx: Queryable = { query: <T>(text: string, params?: readonly unknown[]) => statement(text, params, opened) as Promise<T[]> };
        try {
          const out = await fn(tx);
          if (thread !== opened) throw abortedTransaction();
          await call({ op: 'commit' });
          return out;
        } catch (err) {
          // A transaction whose thread was stopped ended with it (recovery rolls it back).
          if (thread === opened) await call({ op: 'rollback' }).catch(() => {});
          throw err;
        } finally {
          txBudget = null;
        }
      }),
    ping: async () => {
      if (thread.dead) return false;
      try {
        const [row] = await lock.run(() => call({ op: 'ping' }));
        return Boolean(row?.alive);
      } catch {
        return false;
      }
    },
    async close() {
      closed = true; // no more reopening; the thread in place once the lock is free is the last
      await lock.run(async () => {
        if (!thread.dead) await call({ op: 'close' }).catch(() => {});
        await thread.stop(new Error('database closed'));
      });
    },
  };
  return db;
}

/** Server Postgres' answer to statements sent after a failure inside a transaction. */
function abortedTransaction(): Error {
  return Object.assign(new Error('current transaction is aborted (its statement was stopped by statement_timeout), commands ignored until end of transaction block'), {
    code: '25P02',
  });
}
