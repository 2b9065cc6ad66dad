import { bigint, boolean, integer, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';

/**
 * Attribute names seen at ingest, per tenant and scope, for Tempo's tag-name APIs (answered
 * from here, never by scanning spans). Scope numbers: see `TagScope` in codec/tag-scopes.ts.
 */
export const tagKeys = pgTable(
  'tag_keys',
  {
    tenantId: integer('tenant_id').notNull(),
    scope: smallint('scope').notNull(),
    key: text('key').notNull(),
    firstSeenNs: bigint('first_seen_ns', { mode: 'bigint' }).notNull(),
    lastSeenNs: bigint('last_seen_ns', { mode: 'bigint' }).notNull(),
    /** True once the key reached the per-key value cap: its values are no longer all listed. */
    valuesCapped: boolean('values_capped').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.scope, t.key] })],
);

/** Attribute values seen at ingest (bounded per key), for Tempo's tag-value APIs. */
export const tagValues = pgTable(
  'tag_values',
  {
    tenantId: integer('tenant_id').notNull(),
    scope: smallint('scope').notNull(),
    key: text('key').notNull(),
    /** 'string' | 'int' | 'float' | 'bool', as Tempo's v2 tag-values API types them. */
    valueType: text('value_type').notNull(),
    value: text('value').notNull(),
    firstSeenNs: bigint('first_seen_ns', { mode: 'bigint' }).notNull(),
    lastSeenNs: bigint('last_seen_ns', { mode: 'bigint' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.scope, t.key, t.valueType, t.value] })],
);
