import type { Context } from 'hono';
import { type Db, tenantScoped } from '@tracegres/schema';
import type { Deps } from '../deps.ts';
import { withStatementTimeout } from '../limits/statement-timeout.ts';
import { type Surface, resolveTenant } from './resolve-tenant.ts';

// Tenants already established for a request, by the auth middleware or by the browser-ingest-key
// check. Keyed by the Request object itself: nothing a client sends can put an entry here.
const granted = new WeakMap<Request, string>();

/** Records that `request` acts for `tenant` (its credentials have been checked). */
export function grantTenant(request: Request, tenant: string): void {
  granted.set(request, tenant);
}

/**
 * The tenant a request acts for. Normally the auth middleware has settled it; a request that
 * reached a handler some other way has its credentials checked here, so a route the middleware
 * does not cover fails closed rather than open.
 */
export function requestTenant(c: Context, deps: Pick<Deps, 'config'>, surface: Surface): string {
  return (
    granted.get(c.req.raw) ??
    resolveTenant(deps.config, surface, { authorization: c.req.header('authorization'), orgId: c.req.header('x-scope-orgid') })
  );
}

/** A read handler's view of the database: one tenant's rows, enforced by Postgres. */
export interface ReadScope {
  tenantId: number;
  /**
   * `deps.db` restricted to the tenant by row-level security (packages/schema/src/tenant-scope.ts),
   * each statement under QUERY_TIMEOUT (limits/statement-timeout.ts).
   */
  db: Db;
}

/**
 * The read scope of a query request, or undefined when its tenant has never sent data (reads
 * never create tenants). Handlers pass `scope.db`, never `deps.db`, to storage functions.
 */
export async function readScope(c: Context, deps: Pick<Deps, 'config' | 'tenants' | 'db'>): Promise<ReadScope | undefined> {
  const tenantId = await deps.tenants.lookup(requestTenant(c, deps, 'query'));
  if (tenantId === undefined) return undefined;
  // QUERY_TIMEOUT for every read route at once: each statement runs under what is left of it.
  return { tenantId, db: withStatementTimeout(tenantScoped(deps.db, tenantId), deps.config.limits.queryTimeoutMs) };
}
