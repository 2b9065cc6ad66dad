import { SPAN_METRICS_BUCKETS_S, type Queryable } from '@tracegres/schema';

/** Span metrics of one service, span kind, time bucket and span name. */
export interface MonitorCell {
  /** Index of the time bucket: minutes starting in [from + b*step, from + (b+1)*step). */
  bucket: number;
  spanName: string;
  calls: number;
  errors: number;
  sumNs: number;
  /** Cumulative counts per SPAN_METRICS_BUCKETS_S bound. */
  le: number[];
}

/**
 * The span-metric rollups of one service and span kind for minutes starting in [fromNs, toNs),
 * summed per `stepNs` time bucket and span name. The caller folds the cells into the service's
 * time series (over names) and its operations table (over buckets), so one scan serves both.
 */
export async function monitorCells(
  db: Queryable,
  q: { tenantId: number; service: string; spanKind: number; fromNs: bigint; toNs: bigint; stepNs: bigint },
): Promise<MonitorCell[]> {
  const les = SPAN_METRICS_BUCKETS_S.map((_, i) => `sum(le${i})::text`).join(', ');
  const rows = await db.query<{ b: string; span_name: string; calls: string; errors: string; sum: string; le: string[] }>(
    `select ((minute_ns - $4::text::int8) / $6::text::int8)::text as b, span_name,
            sum(calls)::text as calls, coalesce(sum(calls) filter (where status_code = 2), 0)::text as errors,
            sum(duration_sum_ns)::text as sum, array[${les}] as le
       from span_metrics_1m
      where tenant_id = $1 and service = $2 and span_kind = $3 and minute_ns >= $4::text::int8 and minute_ns < $5::text::int8
      group by 1, 2
      order by 1, 2`,
    [q.tenantId, q.service, q.spanKind, q.fromNs.toString(), q.toNs.toString(), q.stepNs.toString()],
  );
  return rows.map((r) => ({ bucket: Number(r.b), spanName: r.span_name, calls: Number(r.calls), errors: Number(r.errors), sumNs: Number(r.sum), le: r.le.map(Number) }));
}

/** Services with span metrics in the window, with the span kinds each has, by name. */
export async function monitorServices(db: Queryable, tenantId: number, fromNs: bigint, toNs: bigint): Promise<{ service: string; kinds: number[] }[]> {
  const rows = await db.query<{ service: string; kinds: number[] }>(
    `select service, array_agg(distinct span_kind order by span_kind) as kinds
       from span_metrics_1m
      where tenant_id = $1 and minute_ns >= $2::text::int8 and minute_ns < $3::text::int8
      group by service
      order by service`,
    [tenantId, fromNs.toString(), toNs.toString()],
  );
  return rows.map((r) => ({ service: r.service, kinds: r.kinds.map(Number) }));
}
