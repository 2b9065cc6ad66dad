import { textColumn } from './codec/text.ts';

/**
 * The database interface every part of Tracegres talks to. Two drivers implement it:
 * postgres.js for a real server, and PGlite (embedded, in a worker thread). Queries are always
 * parameterised text; results are plain row objects. Callers select int8 columns as `::text`
 * and bytea as hex so both drivers return the same JS types.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Streams COPY text-format rows into `COPY ... FROM STDIN` (server Postgres only). COPY
   * is several times cheaper than binding the same rows as array parameters.
   */
  copyIn?(copySql: string, text: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: 'postgres' | 'pglite';
  /** Runs a script of several statements without parameters (migrations, DDL). */
  exec(script: string): Promise<void>;
  /** Runs `fn` inside one transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one dedicated connection, for session state such as advisory locks. Absent on
   * PGlite, which is a single connection owned by one process anyway.
   */
  session?<T>(fn: (conn: Queryable & { exec(script: string): Promise<void> }) => Promise<T>): Promise<T>;
  /**
   * Sends `statements` back to back on one connection in one round trip and returns each one's
   * rows; rejects with the first failure. A pipeline that opens a transaction must close it (a
   * COMMIT after a failed statement rolls back). Absent on PGlite, where round trips cost nothing.
   * Given a function, it is called once a connection is had (what it returns may depend on how
   * long that took; if it throws, nothing is sent and the pipeline rejects with that error).
   */
  pipeline?(statements: Statements | (() => Statements)): Promise<Row[][]>;
  /** Cheap liveness check used by /ready and by ingest backpressure. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type Statements = readonly { text: string; params?: readonly unknown[] }[];

/** A database error carrying Postgres' SQLSTATE so callers can tell retryable failures apart. */
export interface DbErrorLike {
  code?: string;
  message: string;
}

/** SQLSTATE classes that mean "the database is unavailable right now" (retry later). */
export function isUnavailableError(err: unknown): boolean {
  const code = (err as DbErrorLike | undefined)?.code ?? '';
  // 3D000: the database does not exist (dropped, or not created yet): unavailable, not a bug.
  if (/^(08|53|57P0[1-4]|3D000)/.test(code)) return true;
  const msg = String((err as Error | undefined)?.message ?? '');
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|CONNECTION_(CLOSED|ENDED|DESTROYED)|connect_timeout|terminating connection/i.test(msg);
}

/** SQLSTATEs worth retrying the same transaction for (deadlock, serialization). */
export function isRetryableTxError(err: unknown): boolean {
  const code = (err as DbErrorLike | undefined)?.code ?? '';
  return code === '40P01' || code === '40001';
}

/**
 * A parameter carrying U+0000 or a lone surrogate fails the whole statement; stored text has them
 * replaced with U+FFFD, so parameters get the same replacement (never a 500).
 */
export function cleanParams(params: readonly unknown[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((p) => (typeof p === 'string' ? textColumn(p) : Array.isArray(p) ? p.map((x) => (typeof x === 'string' ? textColumn(x) : x)) : p));
}
