import { integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Tenants by name (`X-Scope-OrgID`, `single-tenant` by default). Trace tables carry the
 * small integer id so every row says whose it is from the first migration on.
 */
export const tenants = pgTable(
  'tenants',
  {
    tenantId: serial('tenant_id').primaryKey(),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Per-tenant retention override in seconds; null uses the global RETENTION. */
    retentionSeconds: integer('retention_seconds'),
  },
  (t) => [uniqueIndex('tenants_name_key').on(t.name)],
);
