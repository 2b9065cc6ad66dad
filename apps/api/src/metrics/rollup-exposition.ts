import { SERVICE_GRAPH_BUCKETS_S, SPAN_METRICS_BUCKETS_S } from '@tracegres/schema';
import type { EdgeTotal, SpanMetricTotal } from '../storage/rollups.ts';
import { fmtLabels, fmtNum } from './registry.ts';

/**
 * The rollups in Prometheus text format under the metric and label names of Tempo's
 * metrics-generator, so Grafana's service graph and APM table work when Prometheus scrapes us.
 *
 * Cardinality is bounded: at most `maxSeries` label sets per metric family, the busiest first;
 * the rest are summed into one series labelled `metric_overflow="true"` (Tempo's overflow label),
 * so totals stay right while the series count stays fixed.
 */
export const DEFAULT_MAX_SERIES = 10_000;

const KIND = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

interface Hist {
  labels: Record<string, string>;
  count: number;
  sumSeconds: number;
  le: number[];
}

export function renderRollups(spanMetrics: SpanMetricTotal[], edges: EdgeTotal[], maxSeries = DEFAULT_MAX_SERIES): string {
  const sm = bound(
    spanMetrics.map((r) => ({
      labels: { service: r.service, span_name: r.span_name, span_kind: KIND[r.span_kind] ?? String(r.span_kind), status_code: STATUS[r.status_code] ?? String(r.status_code) },
      count: Number(r.calls),
      sumSeconds: Number(r.duration_sum_ns) / 1e9,
      le: r.le.map(Number),
    })),
    maxSeries,
  );
  const edgeLabels = (e: EdgeTotal) => ({ client: e.client, server: e.server, connection_type: e.connection_type });
  const failed = new Map(edges.map((e) => [JSON.stringify(edgeLabels(e)), Number(e.failed)]));
  const client = bound(edges.map((e) => ({ labels: edgeLabels(e), count: Number(e.calls), sumSeconds: Number(e.client_sum_ns) / 1e9, le: e.cle.map(Number) })), maxSeries);
  const server = bound(edges.map((e) => ({ labels: edgeLabels(e), count: Number(e.calls), sumSeconds: Number(e.server_sum_ns) / 1e9, le: e.sle.map(Number) })), maxSeries);
  // The failed counts follow the same bounding as the request counts they belong to.
  const failedOf = (h: Hist) => (h.labels.metric_overflow ? sumOverflowFailed(edges, maxSeries) : (failed.get(JSON.stringify(h.labels)) ?? 0));

  let out = '';
  out += counter('traces_spanmetrics_calls_total', 'Spans per service, span name, kind and status.', sm.map((h) => [h.labels, h.count]));
  out += histogram('traces_spanmetrics_latency', 'Span duration in seconds.', sm, SPAN_METRICS_BUCKETS_S);
  out += counter('traces_service_graph_request_total', 'Requests between two nodes of the service graph.', client.map((h) => [h.labels, h.count]));
  out += counter('traces_service_graph_request_failed_total', 'Failed requests between two nodes of the service graph.', client.map((h) => [h.labels, failedOf(h)]));
  out += histogram('traces_service_graph_request_server_seconds', 'Request time between two nodes as seen from the server.', server, SERVICE_GRAPH_BUCKETS_S);
  out += histogram('traces_service_graph_request_client_seconds', 'Request time between two nodes as seen from the client.', client, SERVICE_GRAPH_BUCKETS_S);
  return out;
}

/** Keeps the `max` busiest series (input is sorted busiest first) and folds the rest into one. */
function bound(series: Hist[], max: number): Hist[] {
  if (series.length <= max) return series;
  const kept = series.slice(0, max);
  const rest = series.slice(max);
  kept.push({
    labels: { metric_overflow: 'true' },
    count: rest.reduce((a, h) => a + h.count, 0),
    sumSeconds: rest.reduce((a, h) => a + h.sumSeconds, 0),
    le: rest[0].le.map((_, i) => rest.reduce((a, h) => a + h.le[i], 0)),
  });
  return kept;
}

function sumOverflowFailed(edges: EdgeTotal[], max: number): number {
  return edges.slice(max).reduce((a, e) => a + Number(e.failed), 0);
}

function counter(name: string, help: string, series: [Record<string, string>, number][]): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} counter\n`;
  for (const [labels, v] of series) out += `${name}${fmtLabels(labels)} ${fmtNum(v)}\n`;
  return out;
}

function histogram(name: string, help: string, series: Hist[], bounds: readonly number[]): string {
  let out = `# HELP ${name} ${help}\n# TYPE ${name} histogram\n`;
  for (const h of series) {
    bounds.forEach((b, i) => (out += `${name}_bucket${fmtLabels(h.labels, ['le', String(b)])} ${h.le[i]}\n`));
    out += `${name}_bucket${fmtLabels(h.labels, ['le', '+Inf'])} ${h.count}\n`;
    out += `${name}_sum${fmtLabels(h.labels)} ${fmtNum(h.sumSeconds)}\n`;
    out += `${name}_count${fmtLabels(h.labels)} ${h.count}\n`;
  }
  return out;
}
