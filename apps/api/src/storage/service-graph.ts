import { SERVICE_GRAPH_BUCKETS_S, SPAN_METRICS_BUCKETS_S, type Queryable } from '@tracegres/schema';

/** One service-graph edge summed over a window of whole minutes. */
export interface EdgeSums {
  client: string;
  server: string;
  connectionType: string;
  calls: number;
  failed: number;
  clientSumNs: number;
  serverSumNs: number;
  /** Cumulative counts per SERVICE_GRAPH_BUCKETS_S bound, client side then server side. */
  clientLe: number[];
  serverLe: number[];
}

/** The requests one service served (its SERVER and CONSUMER spans) summed over a window. */
export interface ServedSums {
  service: string;
  calls: number;
  errors: number;
  sumNs: number;
  /** Cumulative counts per SPAN_METRICS_BUCKETS_S bound. */
  le: number[];
}

const sums = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `sum(${prefix}${i})::text`).join(', ');
const nums = (xs: string[]) => xs.map(Number);

/**
 * The per-minute edge rollups of minutes starting in [fromNs, toNs), summed per edge, busiest
 * first. Reads only the rollup table's rows of one tenant and window (its primary key leads
 * with tenant_id, minute_ns).
 */
export async function edgeSums(db: Queryable, tenantId: number, fromNs: bigint, toNs: bigint): Promise<EdgeSums[]> {
  const n = SERVICE_GRAPH_BUCKETS_S.length;
  const rows = await db.query<{ client: string; server: string; connection_type: string; calls: string; failed: string; cs: string; ss: string; cle: string[]; sle: string[] }>(
    `select client, server, connection_type, sum(calls)::text as calls, sum(failed)::text as failed,
            sum(client_sum_ns)::text as cs, sum(server_sum_ns)::text as ss,
            array[${sums('cle', n)}] as cle, array[${sums('sle', n)}] as sle
       from service_graph_1m
      where tenant_id = $1 and minute_ns >= $2::text::int8 and minute_ns < $3::text::int8
      group by client, server, connection_type
      order by sum(calls) desc, client, server, connection_type`,
    [tenantId, fromNs.toString(), toNs.toString()],
  );
  return rows.map((r) => ({
    client: r.client, server: r.server, connectionType: r.connection_type,
    calls: Number(r.calls), failed: Number(r.failed), clientSumNs: Number(r.cs), serverSumNs: Number(r.ss),
    clientLe: nums(r.cle), serverLe: nums(r.sle),
  }));
}

/**
 * Per service, the requests it served in the window: span metrics of SERVER (2) and CONSUMER (5)
 * spans. Services with only other kinds of spans are listed with zero calls, so every service
 * that sent spans is a node even when nothing called it.
 */
export async function servedSums(db: Queryable, tenantId: number, fromNs: bigint, toNs: bigint): Promise<ServedSums[]> {
  const n = SPAN_METRICS_BUCKETS_S.length;
  const served = (expr: string) => `coalesce(sum(${expr}) filter (where span_kind in (2, 5)), 0)::text`;
  const les = Array.from({ length: n }, (_, i) => served(`le${i}`)).join(', ');
  const rows = await db.query<{ service: string; calls: string; errors: string; sum: string; le: string[] }>(
    `select service, ${served('calls')} as calls,
            coalesce(sum(calls) filter (where span_kind in (2, 5) and status_code = 2), 0)::text as errors,
            ${served('duration_sum_ns')} as sum, array[${les}] as le
       from span_metrics_1m
      where tenant_id = $1 and minute_ns >= $2::text::int8 and minute_ns < $3::text::int8
      group by service
      order by service`,
    [tenantId, fromNs.toString(), toNs.toString()],
  );
  return rows.map((r) => ({ service: r.service, calls: Number(r.calls), errors: Number(r.errors), sumNs: Number(r.sum), le: nums(r.le) }));
}
