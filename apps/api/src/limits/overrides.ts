import { type Db, isUnavailableError } from '@tracegres/schema';
import type { Logger } from '../log.ts';
import { type TenantLimits, overrideColumns } from './settings.ts';

type OverrideRow = { tenant: string } & Record<string, string | number | null>;

/**
 * Per-tenant overrides from the `tenant_limits` table (one row per tenant name, a NULL column
 * keeps the global value), managed with plain SQL. The whole table is small, so it is read at
 * once and kept for LIMITS_REFRESH (Tempo re-reads its overrides file every 10s); a failed
 * reload keeps the last known values, so ingest does not depend on one extra query succeeding.
 */
export class TenantOverrides {
  readonly #db: Db;
  readonly #defaults: TenantLimits;
  readonly #refreshMs: number;
  readonly #log: Logger | undefined;
  #byTenant = new Map<string, Partial<TenantLimits>>();
  #loadedAt = -Infinity;
  #loading: Promise<void> | null = null;

  constructor(db: Db, defaults: TenantLimits, refreshSeconds: number, log?: Logger) {
    this.#db = db;
    this.#defaults = defaults;
    this.#refreshMs = refreshSeconds * 1000;
    this.#log = log;
  }

  get defaults(): TenantLimits {
    return this.#defaults;
  }

  /** The limits of `tenant`: its overrides over the global values. */
  async forTenant(tenant: string, nowMs: number = Date.now()): Promise<TenantLimits> {
    if (nowMs - this.#loadedAt >= this.#refreshMs) await this.reload(nowMs);
    const o = this.#byTenant.get(tenant);
    return o ? { ...this.#defaults, ...o } : this.#defaults;
  }

  /** Re-reads the table now (also used by tests after changing it). */
  reload(nowMs: number = Date.now()): Promise<void> {
    this.#loading ??= this.#load(nowMs).finally(() => (this.#loading = null));
    return this.#loading;
  }

  async #load(nowMs: number): Promise<void> {
    const cols = Object.values(overrideColumns).map((c) => `${c}::text as ${c}`);
    try {
      const rows = await this.#db.query<OverrideRow>(`select tenant, ${cols.join(', ')} from tenant_limits`);
      const next = new Map<string, Partial<TenantLimits>>();
      for (const r of rows) {
        const o: Partial<TenantLimits> = {};
        for (const [k, col] of Object.entries(overrideColumns) as [keyof TenantLimits, string][]) {
          if (r[col] !== null && r[col] !== undefined) o[k] = Number(r[col]);
        }
        next.set(r.tenant, o);
      }
      this.#byTenant = next;
      this.#loadedAt = nowMs;
    } catch (err) {
      // Retry on the next request, but not on every one while the database is away.
      this.#loadedAt = nowMs - this.#refreshMs + 1000;
      if (!isUnavailableError(err)) this.#log?.warn('tenant_limits could not be read; keeping the last known overrides', { error: String(err) });
    }
  }
}
