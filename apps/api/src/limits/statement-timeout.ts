import type { Db, Queryable } from '@tracegres/schema';
import { ApiError } from '../errors.ts';

/** SQLSTATE of a statement cancelled by statement_timeout. */
export const QUERY_CANCELED = '57014';
/** SQLSTATE invalid_regular_expression (e.g. "regular expression is too complex"). */
const INVALID_REGEX = '2201B';

/** A caller's own `SET LOCAL statement_timeout = <ms>` (storage functions set one for themselves). */
const SET_LOCAL_TIMEOUT = /^\s*set\s+local\s+statement_timeout\s*(?:=|\s+to\s+)\s*'?(\d{1,12})'?\s*;?\s*$/i;

/**
 * `db` with QUERY_TIMEOUT on every statement: each transaction starts with `SET LOCAL
 * statement_timeout` (so a pooled connection does not keep it) and a single query runs in a
 * transaction of its own. The handle has one deadline, `timeoutMs` from its creation, and no
 * statement may run past it: a transaction starts with what is left, a caller's own `SET LOCAL
 * statement_timeout` is lowered to what is left (and sent only when it differs from the one in
 * force by more than a tenth of the budget), and when time spent in the transaction would let
 * the next statement overrun the deadline by more than a tenth of the budget, the setting is
 * lowered again first. So a request of many statements (a search slice after slice, a Jaeger page
 * of 100 traces) is bounded as a whole; one reaching the deadline is refused without running,
 * and a transaction still waiting for its connection then is given up. A statement cut off
 * becomes a 504 that says what to do, not a 500.
 *
 * On server Postgres the timer is Postgres' own. PGlite accepts the setting but cannot fire it;
 * its worker host enforces it by stopping the statement (packages/schema/src/node/pglite-worker.ts).
 */
export function withStatementTimeout(db: Db, timeoutMs: number, what = 'query', nowMs: () => number = Date.now): Db {
  const ms = Math.max(1, Math.floor(timeoutMs));
  const deadline = nowMs() + ms;
  const slack = Math.max(50, ms / 10);
  const left = () => {
    const l = Math.floor(deadline - nowMs());
    if (l < 1) throw timeoutApiError(ms, what);
    return l;
  };
  /** Runs `start` unless the deadline has passed, and gives up on it at the deadline. */
  const raced = <T>(start: () => Promise<T>): Promise<T> => {
    let run: Promise<T>;
    try {
      left();
      run = start().catch((err: unknown) => {
        throw timeoutError(err, ms, what);
      });
    } catch (err) {
      return Promise.reject(err);
    }
    // Waiting for a pooled connection, or for PGlite to reopen after a stop, is no statement's
    // time: the request gives up at the deadline, and the transaction, when its turn comes, finds
    // no time left and ends without running anything.
    run.catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutApiError(ms, what)), Math.max(0, deadline + slack - nowMs()));
    });
    return Promise.race([run, giveUp]).finally(() => clearTimeout(timer));
  };
  const bounded = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    raced(() =>
      db.transaction(async (tx) => {
        // The statement_timeout in force in this transaction (it applies to each statement anew).
        let setting = 0;
        const set = async (limit: number) => {
          await tx.query(`set local statement_timeout = ${limit}`);
          setting = limit;
        };
        await set(left());
        return fn({
          query: async <R>(text: string, params?: readonly unknown[]): Promise<R[]> => {
            const own = SET_LOCAL_TIMEOUT.exec(text);
            if (own) {
              // Sent only when it differs from the one in force by more than the slack: a nested
              // handle, or a storage function asking for the whole budget again, costs no round trip.
              const want = Math.min(Number(own[1]) || ms, left());
              if (Math.abs(setting - want) > slack) await set(want);
              return [];
            }
            const l = left();
            if (setting - l > slack) await set(l);
            return tx.query<R>(text, params);
          },
        });
      }),
    );
  // A lone statement on a handle that can pipeline (server Postgres, tenant-scoped): the timeout
  // and the statement go out with the scope's BEGIN and COMMIT in one round trip. The timeout is
  // what is left once a connection is had; with nothing left, nothing is sent.
  const pipeline = db.pipeline?.bind(db);
  const query = <R>(text: string, params?: readonly unknown[]): Promise<R[]> => {
    if (!pipeline || SET_LOCAL_TIMEOUT.test(text)) return bounded((tx) => tx.query<R>(text, params));
    return raced(async () => (await pipeline(() => [{ text: `set local statement_timeout = ${left()}` }, { text, params }]))[1] as R[]);
  };
  return {
    driver: db.driver,
    query,
    transaction: bounded,
    exec: (script) => db.exec(script),
    ping: () => db.ping(),
    close: async () => {},
  };
}

/**
 * A statement_timeout cancellation as the 504 clients see, and a regex Postgres refuses to
 * compile (validation lets through patterns that are valid RE2) as a 400; anything else unchanged.
 */
export function timeoutError(err: unknown, timeoutMs: number, what: string): unknown {
  const code = (err as { code?: string } | undefined)?.code;
  if (code === QUERY_CANCELED) return timeoutApiError(timeoutMs, what);
  if (code === INVALID_REGEX) return new ApiError('badRequest', `invalid regex: ${(err as Error).message}; simplify the pattern`);
  return err;
}

function timeoutApiError(timeoutMs: number, what: string): ApiError {
  return new ApiError('timeout', `${what} exceeded its time limit of ${formatMs(timeoutMs)} (QUERY_TIMEOUT); narrow the time range or the query`);
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
