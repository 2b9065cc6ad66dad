import { bigint, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Resources deduplicated by a 64-bit hash of their canonical form: a batch repeats the same
 * resource on every span, so spans keep only `resource_id`. Citus: reference table.
 */
export const resources = pgTable(
  'resources',
  {
    tenantId: integer('tenant_id').notNull(),
    resourceId: bigint('resource_id', { mode: 'bigint' }).notNull(),
    serviceName: text('service_name').notNull(),
    attrs: jsonb('attrs'),
    droppedAttributesCount: integer('dropped_attributes_count').notNull().default(0),
    schemaUrl: text('schema_url'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.resourceId] })],
);

/** Instrumentation scopes, deduplicated like resources. Citus: reference table. */
export const scopes = pgTable(
  'scopes',
  {
    tenantId: integer('tenant_id').notNull(),
    scopeId: bigint('scope_id', { mode: 'bigint' }).notNull(),
    name: text('name').notNull(),
    version: text('version'),
    attrs: jsonb('attrs'),
    droppedAttributesCount: integer('dropped_attributes_count').notNull().default(0),
    schemaUrl: text('schema_url'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.scopeId] })],
);
