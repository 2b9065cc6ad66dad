// What part of the service graph the page shows: all of it, or the neighbourhood of a focused
// service up to a depth (hops along edges in either direction), and which nodes a search matches.
import type { GraphEdge, GraphNode } from './api.ts';

/** Above this many nodes the page opens focused on the busiest service (Jaeger asks for a focus above 1,200). */
export const FOCUS_THRESHOLD = 150;
export const MAX_DEPTH = 6;

export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Nodes within `depth` hops of `focus`, and the edges between them; the whole graph without a focus. */
export function neighbourhood(nodes: GraphNode[], edges: GraphEdge[], focus: string | undefined, depth: number): Subgraph {
  if (!focus || !nodes.some((n) => n.name === focus)) return { nodes, edges };
  const adjacent = new Map<string, string[]>();
  const link = (a: string, b: string) => adjacent.set(a, [...(adjacent.get(a) ?? []), b]);
  for (const e of edges) {
    link(e.client, e.server);
    link(e.server, e.client);
  }
  const seen = new Set([focus]);
  let frontier = [focus];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const n of frontier) for (const m of adjacent.get(n) ?? []) if (!seen.has(m)) (seen.add(m), next.push(m));
    frontier = next;
  }
  return { nodes: nodes.filter((n) => seen.has(n.name)), edges: edges.filter((e) => seen.has(e.client) && seen.has(e.server)) };
}

/** The service that served the most requests (nodes arrive busiest first, but virtual ones may lead). */
export function busiestService(nodes: GraphNode[]): string | undefined {
  let best: GraphNode | undefined;
  for (const n of nodes) if (n.kind === 'service' && (!best || n.calls > best.calls)) best = n;
  return best?.name ?? nodes[0]?.name;
}

/** Names matching a search box's text (case-insensitive substring); empty text matches nothing. */
export function searchMatches(nodes: GraphNode[], text: string): Set<string> {
  const t = text.trim().toLowerCase();
  return new Set(t ? nodes.filter((n) => n.name.toLowerCase().includes(t)).map((n) => n.name) : []);
}

/** Node radius in px: grows with the request rate, from 14 to 30. */
export function nodeRadius(n: GraphNode, maxRate: number): number {
  if (!(maxRate > 0) || !(n.rate > 0)) return 14;
  return 14 + 16 * Math.sqrt(n.rate / maxRate);
}

export const edgeKey = (e: Pick<GraphEdge, 'client' | 'server' | 'connectionType'>) => `${e.client}\u0000${e.server}\u0000${e.connectionType}`;
