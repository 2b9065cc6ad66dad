import { bigint, boolean, index, integer, pgTable, primaryKey, smallint, text, timestamp, uuid, jsonb } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { bytea } from './types.ts';

/**
 * One row per span. Range-partitioned by `start_ns` (hand-written in migrations/0001: Drizzle
 * cannot declare partitioning). Times are integer Unix nanoseconds so OTLP's timestamps come
 * back exactly. Attributes, events and links use the typed jsonb encoding of
 * `packages/schema/src/codec/attr-json.ts`.
 */
export const spans = pgTable(
  'spans',
  {
    tenantId: integer('tenant_id').notNull(),
    traceId: uuid('trace_id').notNull(),
    spanId: bytea('span_id').notNull(),
    parentSpanId: bytea('parent_span_id'),
    startNs: bigint('start_ns', { mode: 'bigint' }).notNull(),
    durationNs: bigint('duration_ns', { mode: 'bigint' }).notNull(),
    name: text('name').notNull(),
    kind: smallint('kind').notNull(),
    statusCode: smallint('status_code').notNull(),
    statusMessage: text('status_message'),
    traceState: text('trace_state'),
    /** fixed32 stored as its signed 32-bit reinterpretation. */
    flags: integer('flags').notNull().default(0),
    serviceName: text('service_name').notNull(),
    resourceId: bigint('resource_id', { mode: 'bigint' }).notNull(),
    scopeId: bigint('scope_id', { mode: 'bigint' }).notNull(),
    attrs: jsonb('attrs'),
    events: jsonb('events'),
    links: jsonb('links'),
    /** uint32 counts stored as signed 32-bit reinterpretations. */
    droppedAttributesCount: integer('dropped_attributes_count').notNull().default(0),
    droppedEventsCount: integer('dropped_events_count').notNull().default(0),
    droppedLinksCount: integer('dropped_links_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.traceId, t.tenantId, t.spanId, t.startNs] }),
    index('spans_start_brin').using('brin', t.startNs),
  ],
);

/**
 * Nested-set numbers and depth of each span of a compacted trace, for structural TraceQL.
 * Partitioned like `spans` (migrations/0004). A table of their own, not columns of `spans`:
 * numbering by UPDATE rewrote every span row out of time order, which made the BRIN index on
 * start_ns useless (searches 4x slower) and doubled the partition until vacuum.
 */
export const spanNested = pgTable(
  'span_nested',
  {
    tenantId: integer('tenant_id').notNull(),
    traceId: uuid('trace_id').notNull(),
    spanId: bytea('span_id').notNull(),
    startNs: bigint('start_ns', { mode: 'bigint' }).notNull(),
    nestedLeft: integer('nested_left').notNull(),
    nestedRight: integer('nested_right').notNull(),
    depth: smallint('depth').notNull(),
  },
  (t) => [primaryKey({ columns: [t.traceId, t.tenantId, t.spanId, t.startNs] })],
);

/**
 * Per-trace summary and the trace-id -> time-range lookup, one row per trace and spans
 * partition (`bucket_ns` = that partition's lower bound). Trace-by-ID reads it first so a
 * lookup without a time range touches only the partitions that hold the trace.
 */
export const traces = pgTable(
  'traces',
  {
    tenantId: integer('tenant_id').notNull(),
    traceId: uuid('trace_id').notNull(),
    bucketNs: bigint('bucket_ns', { mode: 'bigint' }).notNull(),
    startNs: bigint('start_ns', { mode: 'bigint' }).notNull(),
    endNs: bigint('end_ns', { mode: 'bigint' }).notNull(),
    spanCount: integer('span_count').notNull(),
    errorCount: integer('error_count').notNull(),
    rootService: text('root_service'),
    rootName: text('root_name'),
    rootSpanId: bytea('root_span_id'),
    /** Filled by compaction: services with span and error counts. */
    serviceStats: jsonb('service_stats'),
    /** Set by compaction once nested-set numbers are in; ingest clears it when spans arrive late. */
    compacted: boolean('compacted').notNull().default(false),
    /** Depth of the deepest span (root = 0), filled by compaction. */
    maxDepth: smallint('max_depth'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.traceId, t.tenantId, t.bucketNs] }),
    index('traces_tenant_start').on(t.tenantId, t.startNs),
    index('traces_pending').on(t.updatedAt).where(sql`not ${t.compacted}`),
  ],
);
