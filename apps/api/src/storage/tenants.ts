import type { Db } from '@tracegres/schema';

/**
 * Tempo's implicit tenant when no `X-Scope-OrgID` is sent. Which tenant a request acts for is
 * decided in one place, `auth/resolve-tenant.ts` (header, bearer token, multi-tenancy mode).
 */
export const DEFAULT_TENANT = 'single-tenant';

// Tempo's tenant-id rules: <= 150 bytes of [0-9a-zA-Z!-_.*'()], not "." or "..".
const TENANT_RE = /^[0-9a-zA-Z!\-_.*'()]{1,150}$/;

/** Returns a message saying what is wrong with a tenant id, or null when it is valid. */
export function tenantIdProblem(name: string): string | null {
  if (!TENANT_RE.test(name) || name === '.' || name === '..') {
    return `invalid tenant id ${JSON.stringify(name.slice(0, 160))}: expected 1-150 characters of [0-9a-zA-Z!-_.*'()], not "." or ".."`;
  }
  return null;
}

/** Maps tenant names to their small integer ids, creating tenants on first use. */
export class Tenants {
  readonly #db: Db;
  readonly #ids = new Map<string, number>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** The id of an existing tenant, or undefined (reads never create tenants). */
  async lookup(name: string): Promise<number | undefined> {
    const hit = this.#ids.get(name);
    if (hit !== undefined) return hit;
    const [row] = await this.#db.query<{ tenant_id: number }>('select tenant_id from tenants where name = $1', [name]);
    if (row) this.#ids.set(name, row.tenant_id);
    return row?.tenant_id;
  }

  /** The id of a tenant, creating it if needed (ingest). */
  async resolve(name: string): Promise<number> {
    const hit = await this.lookup(name);
    if (hit !== undefined) return hit;
    await this.#db.query('insert into tenants (name) values ($1) on conflict (name) do nothing', [name]);
    const id = await this.lookup(name);
    if (id === undefined) throw new Error(`tenant ${name} vanished after insert`);
    return id;
  }
}
