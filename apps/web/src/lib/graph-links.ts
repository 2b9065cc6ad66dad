// TraceQL for "show me the traces behind this node or edge", opened on the search page with the
// graph's time range.
import type { GraphEdge, GraphNode } from './api.ts';

const q = (s: string) => JSON.stringify(s);
const svc = (name: string) => `resource.service.name = ${q(name)}`;
/** The attributes the service graph names an uninstrumented peer by (see the compaction's rollup SQL). */
const PEER_ATTRS = ['span.peer.service', 'span.server.address', 'span.db.name', 'span.db.namespace', 'span.db.system.name', 'span.db.system'];
const peer = (name: string) => `(${PEER_ATTRS.map((a) => `${a} = ${q(name)}`).join(' || ')})`;

export function nodeTraceQL(n: Pick<GraphNode, 'name' | 'kind'>): string {
  if (n.kind === 'service') return `{ ${svc(n.name)} }`;
  if (n.kind === 'user') return `{ kind = server && nestedSetParent < 0 }`;
  return `{ kind = client && ${peer(n.name)} } || { kind = producer && ${peer(n.name)} }`;
}

export function edgeTraceQL(e: Pick<GraphEdge, 'client' | 'server' | 'connectionType'>): string {
  switch (e.connectionType) {
    case '':
      return `{ ${svc(e.client)} && kind = client } > { ${svc(e.server)} && kind = server }`;
    case 'messaging_system':
      return `{ ${svc(e.client)} && kind = producer } > { ${svc(e.server)} && kind = consumer }`;
    case 'database':
      return `{ ${svc(e.client)} && kind = client && ${peer(e.server)} }`;
    default:
      // virtual_node: a call out to an uninstrumented peer, or a root span's unseen caller.
      return e.client === 'user'
        ? `{ ${svc(e.server)} && nestedSetParent < 0 }`
        : `{ ${svc(e.client)} && (kind = client || kind = producer) && ${peer(e.server)} }`;
  }
}

/** The search page URL for a TraceQL query over [start, end] unix seconds. */
export function searchUrl(traceql: string, start: number, end: number): string {
  return `/search?${new URLSearchParams({ q: traceql, lookback: 'custom', start: String(start), end: String(end) })}`;
}
