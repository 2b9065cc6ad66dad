import type { Db, Queryable, Statements } from './db.ts';

/**
 * The role tenant-scoped reads run as. Row-level security on every tenant-scoped table lets it
 * see the rows of the tenant in `tracegres.tenant_id` and nothing else
 * (migrations/0005_tenant_isolation.sql).
 */
export const TENANT_READER_ROLE = 'tracegres_reader';

// One statement, so entering the scope costs one round trip. set_config(..., true) is SET LOCAL:
// both end with the transaction, so a pooled connection never carries a tenant or the role over
// to the next request.
const ENTER_SCOPE = `select set_config('role', '${TENANT_READER_ROLE}', true), set_config('tracegres.tenant_id', $1, true)`;

function checkTenantId(tenantId: number): string {
  if (!Number.isSafeInteger(tenantId) || tenantId < 0) throw new Error(`invalid tenant id ${tenantId}: expected a non-negative integer`);
  return String(tenantId);
}

/**
 * Makes the rest of the open transaction `tx` run as the tenant reader, restricted by Postgres to
 * the rows of `tenantId`. Lasts until the transaction ends.
 */
export async function enterTenantScope(tx: Queryable, tenantId: number): Promise<void> {
  await tx.query(ENTER_SCOPE, [checkTenantId(tenantId)]);
}

/**
 * A read-only view of `db` for one tenant: each statement (or each `transaction`) runs in a
 * transaction scoped by `enterTenantScope`, so whatever SQL a handler sends, Postgres returns
 * only that tenant's rows. Statements that write, or read tables outside the tenant's data, are
 * refused by Postgres (permission denied). Handlers keep filtering by tenant themselves (that is
 * what lets the `(tenant_id, ...)` indexes be used); this is the backstop behind them.
 *
 * The handle borrows `db`'s connections: `close` leaves them open, `exec` (unparameterised
 * scripts: migrations, DDL) and `copyIn` are not offered.
 */
export function tenantScoped(db: Db, tenantId: number): Db {
  const id = checkTenantId(tenantId);
  const scoped = <T>(fn: (tx: Queryable) => Promise<T>) =>
    db.transaction(async (tx) => {
      await tx.query(ENTER_SCOPE, [id]);
      return fn({ query: (text, params) => tx.query(text, params) });
    });
  // Statements in one transaction of the tenant's scope, in one round trip instead of one each
  // (BEGIN, scope, statements, COMMIT): trace-by-ID issues a few short statements and would
  // otherwise pay the scope in latency several times over.
  const pipeline = db.pipeline
    ? async (statements: Statements | (() => Statements)) => {
        let n = 0;
        const rows = await db.pipeline!(() => {
          const list = typeof statements === 'function' ? statements() : statements;
          n = list.length;
          return [{ text: 'begin' }, { text: ENTER_SCOPE, params: [id] }, ...list, { text: 'commit' }];
        });
        return rows.slice(2, 2 + n);
      }
    : undefined;
  const query = async <T>(text: string, params?: readonly unknown[]): Promise<T[]> => {
    if (!pipeline) return scoped((tx) => tx.query<T>(text, params));
    return (await pipeline([{ text, params }]))[0] as T[];
  };
  return {
    driver: db.driver,
    query,
    pipeline,
    transaction: scoped,
    exec: async () => {
      throw new Error('a tenant-scoped database handle runs parameterised reads only, not scripts');
    },
    ping: () => db.ping(),
    close: async () => {},
  };
}
