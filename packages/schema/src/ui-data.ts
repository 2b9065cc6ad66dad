// Response shapes of the UI data endpoints (GET /api/ui/service-graph, /api/ui/monitor and
// /api/ui/monitor/services): the API builds them (apps/api/src/routes/ui-data) and the web UI
// reads them (apps/web/src/lib/api.ts). Types only, so the web bundle takes nothing from here.

export type GraphNodeKind = 'service' | 'database' | 'messaging' | 'virtual' | 'user';

export interface GraphNode {
  name: string;
  kind: GraphNodeKind;
  /** Requests the node served in the window. */
  calls: number;
  errors: number;
  /** Per second over the window. */
  rate: number;
  /** errors / calls, 0 with no calls. */
  errorRate: number;
  p95Ms: number | null;
  avgMs: number | null;
}

export interface GraphEdge {
  client: string;
  server: string;
  /** Tempo's connection_type: '' (a direct call), messaging_system, database or virtual_node. */
  connectionType: string;
  calls: number;
  failed: number;
  rate: number;
  errorRate: number;
  /** Latency as the server saw it (a virtual server's is its client's). */
  p95Ms: number | null;
  avgMs: number | null;
  clientP95Ms: number | null;
  clientAvgMs: number | null;
}

export interface ServiceGraph {
  /** The window covered, unix seconds (widened to whole minutes). */
  start: number;
  end: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** A service that has span metrics in the window, with the span kinds it has them for. */
export interface MonitorService {
  name: string;
  spanKinds: string[];
}

export interface MonitorSeries {
  /** Start of each point's bucket, unix seconds. */
  timestamps: number[];
  /** Requests per second in the bucket. */
  rate: number[];
  /** errors / calls in the bucket; null where there were no calls. */
  errorRate: (number | null)[];
  p50Ms: (number | null)[];
  p75Ms: (number | null)[];
  p95Ms: (number | null)[];
}

export interface MonitorFigures {
  calls: number;
  errors: number;
  rate: number;
  errorRate: number;
  p50Ms: number | null;
  p75Ms: number | null;
  p95Ms: number | null;
  avgMs: number | null;
}

export interface MonitorOperation extends MonitorFigures {
  name: string;
  /**
   * Jaeger's impact: average latency times request rate (the time spent in the operation per
   * second), rescaled min-max to 0..1 across the service's operations.
   */
  impact: number;
  /** The operation's share of all time spent in the service's operations of this kind. */
  timeShare: number;
}

export interface MonitorData {
  service: string;
  spanKind: string;
  start: number;
  end: number;
  step: number;
  totals: MonitorFigures;
  series: MonitorSeries;
  operations: MonitorOperation[];
}
