import postgres from 'postgres';
import { type Db, type Queryable, type Row, cleanParams } from './db.ts';

export interface PostgresOptions {
  /** Connections in the pool; ingest writers and queries share it. */
  max?: number;
  /** Seconds to wait for a connection before failing (so ingest can answer 503 quickly). */
  connectTimeout?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName?: string;
  /** postgres.js socket factory (runtime-specific; see node/no-delay-socket.ts). */
  socket?: (o: never) => Promise<unknown>;
}

/**
 * COPY ... FROM STDIN through postgres.js. Its query promise resolves with the stream before the
 * server answers, and an error raised at the end of COPY (a unique violation, say) is passed to
 * `query.reject` only, which by then changes nothing: 'finish' never fires and the caller would
 * hang. So the query's reject is wrapped to fail our promise too.
 */
async function copyIn(tx: postgres.TransactionSql, copySql: string, text: string): Promise<void> {
  const q = tx.unsafe(copySql) as unknown as { reject: (e: unknown) => void; writable(): Promise<NodeJS.WritableStream> };
  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => {});
  const reject = q.reject;
  q.reject = (e) => {
    reject(e);
    fail(e);
  };
  const stream = await Promise.race([q.writable(), failed]);
  await Promise.race([
    new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.once('finish', resolve);
      stream.end(text);
    }),
    failed,
  ]);
}

/**
 * Seconds a pool connection waits before reconnecting after a failed attempt. postgres.js's
 * default grows as 3^attempts/100 up to 20 s across the whole pool, so a Postgres restart of two
 * seconds left every connection waiting 10-20 s before it tried again, and ingest answered 503
 * long after the database was back. Capped at one second: a reconnect costs little.
 */
function reconnectDelaySeconds(attempts: number): number {
  return Math.min(1, 0.05 * 2 ** attempts) * (0.5 + Math.random() / 2);
}

/** Opens a postgres.js pool behind the `Db` interface. */
export function createPostgresDb(url: string, opts: PostgresOptions = {}): Db {
  const sql = postgres(url, {
    max: opts.max ?? 8,
    connect_timeout: opts.connectTimeout ?? 5,
    idle_timeout: 30,
    backoff: reconnectDelaySeconds,
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? 'tracegres' },
    ...(opts.socket ? { socket: opts.socket as never } : {}),
    transform: { undefined: null },
  });
  const run = <T>(q: postgres.Sql | postgres.TransactionSql | postgres.ReservedSql, text: string, params?: readonly unknown[]) =>
    q.unsafe(text, cleanParams(params) as postgres.ParameterOrJSON<never>[], { prepare: true }) as unknown as Promise<T[]>;
  return {
    driver: 'postgres',
    query: (text, params) => run(sql, text, params),
    async exec(script) {
      await sql.unsafe(script).simple();
    },
    async transaction(fn) {
      return (await sql.begin((tx) => {
        const q: Queryable = {
          query: (text, params) => run(tx, text, params),
          copyIn: (copySql, text) => copyIn(tx, copySql, text),
        };
        return fn(q);
      })) as Awaited<ReturnType<typeof fn>>;
    },
    async pipeline(statements) {
      // Sent without waiting between them: postgres.js writes them together on the reserved
      // connection. Every statement is awaited before release, so none runs on a later user.
      const conn = await sql.reserve();
      try {
        const list = typeof statements === 'function' ? statements() : statements;
        const settled = await Promise.allSettled(list.map((s) => run<Row>(conn, s.text, s.params)));
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        return settled.map((r) => (r as PromiseFulfilledResult<Row[]>).value);
      } finally {
        conn.release();
      }
    },
    async session(fn) {
      const conn = await sql.reserve();
      try {
        return await fn({ query: (text, params) => run(conn, text, params), exec: async (script) => void (await conn.unsafe(script).simple()) });
      } finally {
        conn.release();
      }
    },
    async ping() {
      try {
        await sql`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
