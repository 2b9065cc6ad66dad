// The service graph for the UI: nodes with their request figures and edges with theirs, from the
// per-minute rollups of a window.
import { SERVICE_GRAPH_BUCKETS_S, SPAN_METRICS_BUCKETS_S } from '@tracegres/schema';
import type { EdgeSums, ServedSums } from '../../storage/service-graph.ts';
import type { GraphEdge, GraphNode, GraphNodeKind as NodeKind, ServiceGraph } from '@tracegres/schema/ui-data';
import { addCounts, histogramQuantile } from './histogram-quantile.ts';

/**
 * OpenTelemetry's registered `messaging.system` values: an uninstrumented peer with one of these
 * names is a broker, not a service. The rollups name a virtual node but do not keep the kind of
 * span that called it, so the name is what tells a broker apart.
 */
const MESSAGING_SYSTEMS = new Set([
  'activemq', 'aws_sqs', 'sqs', 'sns', 'aws_sns', 'eventgrid', 'eventhubs', 'servicebus', 'gcp_pubsub', 'pubsub', 'jms',
  'kafka', 'rabbitmq', 'rocketmq', 'pulsar', 'nats', 'kinesis', 'redis-streams',
]);
const KIND_RANK: Record<NodeKind, number> = { service: 4, database: 3, messaging: 2, virtual: 1, user: 0 };

const ms = (ns: number) => ns / 1e6;
const toMs = (s: number | null) => (s === null ? null : s * 1000);

/**
 * Builds the graph. A service's figures are the requests it served (its SERVER and CONSUMER span
 * metrics, whose fine latency buckets give a useful p95); a node without spans of its own (a
 * database, broker or other uninstrumented peer) gets the figures of the calls into it, as seen
 * by its callers; a `user` node gets the requests it sent.
 */
export function buildServiceGraph(edgeRows: EdgeSums[], served: ServedSums[], fromNs: bigint, toNs: bigint): ServiceGraph {
  const windowS = Number(toNs - fromNs) / 1e9;
  const edges: GraphEdge[] = edgeRows.map((e) => ({
    client: e.client,
    server: e.server,
    connectionType: e.connectionType,
    calls: e.calls,
    failed: e.failed,
    rate: e.calls / windowS,
    errorRate: e.calls ? e.failed / e.calls : 0,
    p95Ms: toMs(histogramQuantile(0.95, SERVICE_GRAPH_BUCKETS_S, e.serverLe, e.calls)),
    avgMs: e.calls ? ms(e.serverSumNs) / e.calls : null,
    clientP95Ms: toMs(histogramQuantile(0.95, SERVICE_GRAPH_BUCKETS_S, e.clientLe, e.calls)),
    clientAvgMs: e.calls ? ms(e.clientSumNs) / e.calls : null,
  }));

  const kinds = new Map<string, NodeKind>();
  const note = (name: string, kind: NodeKind) => {
    const had = kinds.get(name);
    if (had === undefined || KIND_RANK[kind] > KIND_RANK[had]) kinds.set(name, kind);
  };
  const services = new Map(served.map((s) => [s.service, s]));
  for (const s of served) note(s.service, 'service');
  // A name that sent spans is a service; any other node is named by the kind of edge it ends.
  const peer = (name: string, kind: NodeKind) => note(name, services.has(name) ? 'service' : kind);
  for (const e of edgeRows) {
    if (e.connectionType === 'database') {
      peer(e.client, 'service');
      peer(e.server, 'database');
    } else if (e.connectionType === 'virtual_node') {
      // Either a call to an uninstrumented peer, or a root span's caller (`user` when unnamed).
      peer(e.client, e.client === 'user' ? 'user' : 'virtual');
      peer(e.server, MESSAGING_SYSTEMS.has(e.server.toLowerCase()) ? 'messaging' : 'virtual');
    } else {
      peer(e.client, 'service');
      peer(e.server, 'service');
    }
  }

  const nodes: GraphNode[] = [];
  for (const [name, kind] of kinds) {
    let calls = 0;
    let errors = 0;
    let sumNs = 0;
    let p95: number | null = null;
    const own = services.get(name);
    if (kind === 'service' && own) {
      ({ calls, errors, sumNs } = own);
      p95 = histogramQuantile(0.95, SPAN_METRICS_BUCKETS_S, own.le, own.calls);
    } else if (kind !== 'service') {
      const side = kind === 'user' ? edgeRows.filter((e) => e.client === name) : edgeRows.filter((e) => e.server === name);
      const le: number[] = [];
      for (const e of side) {
        calls += e.calls;
        errors += e.failed;
        sumNs += e.serverSumNs;
        addCounts(le, e.serverLe);
      }
      p95 = histogramQuantile(0.95, SERVICE_GRAPH_BUCKETS_S, le, calls);
    }
    nodes.push({
      name, kind, calls, errors,
      rate: calls / windowS,
      errorRate: calls ? errors / calls : 0,
      p95Ms: toMs(p95),
      avgMs: calls ? ms(sumNs) / calls : null,
    });
  }
  nodes.sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
  return { start: Number(fromNs / 1_000_000_000n), end: Number(toNs / 1_000_000_000n), nodes, edges };
}
