import type { Queryable } from '@tracegres/schema';

/** Running totals of one tenant's span metrics and service-graph edges (the Prometheus view). */
export interface SpanMetricTotal {
  service: string;
  span_name: string;
  span_kind: number;
  status_code: number;
  calls: string;
  duration_sum_ns: string;
  /** Cumulative counts per bucket bound, in bound order. */
  le: string[];
}

export interface EdgeTotal {
  client: string;
  server: string;
  connection_type: string;
  calls: string;
  failed: string;
  client_sum_ns: string;
  server_sum_ns: string;
  cle: string[];
  sle: string[];
}

const cols = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}::text`).join(', ');

export async function spanMetricTotals(db: Queryable, tenantId: number, buckets: number): Promise<SpanMetricTotal[]> {
  return db.query<SpanMetricTotal>(
    `select service, span_name, span_kind, status_code, calls::text, duration_sum_ns::text, array[${cols('le', buckets)}] as le
       from span_metrics_total where tenant_id = $1 and calls > 0
      order by calls desc, service, span_name, span_kind, status_code`,
    [tenantId],
  );
}

export async function edgeTotals(db: Queryable, tenantId: number, buckets: number): Promise<EdgeTotal[]> {
  return db.query<EdgeTotal>(
    `select client, server, connection_type, calls::text, failed::text, client_sum_ns::text, server_sum_ns::text,
            array[${cols('cle', buckets)}] as cle, array[${cols('sle', buckets)}] as sle
       from service_graph_total where tenant_id = $1 and calls > 0
      order by calls desc, client, server, connection_type`,
    [tenantId],
  );
}
