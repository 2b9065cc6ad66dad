import { bigint, boolean, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Histogram bucket bounds in seconds, as Tempo's metrics-generator defaults them, so Grafana's
 * service-graph and APM panels read our series like Tempo's. Each rollup row keeps cumulative
 * counts per bound (`le` semantics); the +Inf bucket is the call count.
 */
export const SPAN_METRICS_BUCKETS_S = [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384] as const;
export const SERVICE_GRAPH_BUCKETS_S = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8] as const;

const counts = (prefix: string, n: number) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, bigint(`${prefix}${i}`, { mode: 'bigint' }).notNull()])) as Record<
    string,
    ReturnType<typeof bigint>
  >;

const spanMetricColumns = () => ({
  tenantId: integer('tenant_id').notNull(),
  service: text('service').notNull(),
  spanName: text('span_name').notNull(),
  spanKind: smallint('span_kind').notNull(),
  statusCode: smallint('status_code').notNull(),
  calls: bigint('calls', { mode: 'bigint' }).notNull(),
  durationSumNs: bigint('duration_sum_ns', { mode: 'bigint' }).notNull(),
  ...counts('le', SPAN_METRICS_BUCKETS_S.length),
});

const edgeColumns = () => ({
  tenantId: integer('tenant_id').notNull(),
  client: text('client').notNull(),
  server: text('server').notNull(),
  /** '' (unset), 'virtual_node', 'messaging_system' or 'database', as Tempo labels them. */
  connectionType: text('connection_type').notNull(),
  calls: bigint('calls', { mode: 'bigint' }).notNull(),
  failed: bigint('failed', { mode: 'bigint' }).notNull(),
  clientSumNs: bigint('client_sum_ns', { mode: 'bigint' }).notNull(),
  serverSumNs: bigint('server_sum_ns', { mode: 'bigint' }).notNull(),
  ...counts('cle', SERVICE_GRAPH_BUCKETS_S.length),
  ...counts('sle', SERVICE_GRAPH_BUCKETS_S.length),
});

/** Span metrics (RED) per minute: the Monitor view and long-range TraceQL metrics read these. */
export const spanMetrics1m = pgTable('span_metrics_1m', { minuteNs: bigint('minute_ns', { mode: 'bigint' }).notNull(), ...spanMetricColumns() }, (t) => [
  primaryKey({ columns: [t.tenantId, t.minuteNs, t.service, t.spanName, t.spanKind, t.statusCode] }),
]);

/** Service-graph edges per minute (client -> server, as Tempo's service-graphs processor pairs them). */
export const serviceGraph1m = pgTable('service_graph_1m', { minuteNs: bigint('minute_ns', { mode: 'bigint' }).notNull(), ...edgeColumns() }, (t) => [
  primaryKey({ columns: [t.tenantId, t.minuteNs, t.client, t.server, t.connectionType] }),
]);

/**
 * Running totals since the database began, for the Prometheus view: counters must never go
 * down when old minutes expire, so every rollup pass adds (new - old) of the minutes it rewrote.
 */
export const spanMetricsTotal = pgTable('span_metrics_total', spanMetricColumns(), (t) => [
  primaryKey({ columns: [t.tenantId, t.service, t.spanName, t.spanKind, t.statusCode] }),
]);

export const serviceGraphTotal = pgTable('service_graph_total', edgeColumns(), (t) => [
  primaryKey({ columns: [t.tenantId, t.client, t.server, t.connectionType] }),
]);

/** Watermarks and progress of the compaction job's steps (one row per step and tenant-free scope). */
export const maintenanceState = pgTable('maintenance_state', {
  step: text('step').primaryKey(),
  watermarkNs: bigint('watermark_ns', { mode: 'bigint' }).notNull(),
  info: jsonb('info'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Closed spans partitions already moved into blocks (and their summaries clustered), so the job does each only once. */
export const compactedPartitions = pgTable('compacted_partitions', {
  name: text('name').primaryKey(),
  bucketNs: bigint('bucket_ns', { mode: 'bigint' }).notNull(),
  bytesBefore: bigint('bytes_before', { mode: 'bigint' }).notNull(),
  bytesAfter: bigint('bytes_after', { mode: 'bigint' }).notNull(),
  rewritten: boolean('rewritten').notNull(),
  compactedAt: timestamp('compacted_at', { withTimezone: true }).notNull().defaultNow(),
});
