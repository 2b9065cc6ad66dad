// Comparing two traces the way Jaeger's trace diff does: both are folded into trees of operation
// paths (service and operation from the root down, siblings on the same path merged), and the
// two trees are merged into one. Each node then says whether the path is only in A, only in B or
// in both, with its span counts and durations on each side.
import type { TraceModel } from './trace-model.ts';

export interface PathStats {
  count: number;
  errors: number;
  /** Durations in microseconds. */
  total: number;
  mean: number;
  min: number;
  max: number;
}

export const DIFF_STATES = ['onlyA', 'onlyB', 'changed', 'same'] as const;
/** `changed`: in both with different span counts; `same`: in both with equal counts. */
export type DiffState = (typeof DIFF_STATES)[number];

export interface CompareNode {
  /** The path from the root, unique in the merged tree; stable across renders for collapse state. */
  key: string;
  service: string;
  operation: string;
  depth: number;
  a: PathStats | null;
  b: PathStats | null;
  state: DiffState;
  children: CompareNode[];
}

interface FoldedNode {
  service: string;
  operation: string;
  stats: PathStats;
  children: Map<string, FoldedNode>;
}

const SEP = '\u0000';

/**
 * One trace as a tree of operation paths. Siblings (children of the same folded node) with the
 * same service and operation fold into one node; so do roots, including orphans that became
 * extra roots. Children keep the order their first span started in.
 */
function fold(model: TraceModel): Map<string, FoldedNode> {
  const roots = new Map<string, FoldedNode>();
  // Folded node of each span; filled in display order, so a span's parent is always done first.
  const at: FoldedNode[] = new Array(model.spans.length);
  for (let p = 0; p < model.order.length; p++) {
    const s = model.spans[model.order[p]];
    const siblings = s.parent >= 0 ? at[s.parent].children : roots;
    const id = `${s.service}${SEP}${s.name}`;
    let node = siblings.get(id);
    if (!node) {
      node = { service: s.service, operation: s.name, stats: { count: 0, errors: 0, total: 0, mean: 0, min: Infinity, max: -Infinity }, children: new Map() };
      siblings.set(id, node);
    }
    const st = node.stats;
    st.count++;
    if (s.isError) st.errors++;
    st.total += s.duration;
    st.min = Math.min(st.min, s.duration);
    st.max = Math.max(st.max, s.duration);
    st.mean = st.total / st.count;
    at[s.index] = node;
  }
  return roots;
}

type Level = Map<string, FoldedNode> | undefined;

/** Merges two folded trees level by level; iterative, as a 50,000-span chain is that deep. */
function merge(a: Level, b: Level): CompareNode[] {
  const roots: CompareNode[] = [];
  const work: Array<{ a: Level; b: Level; parentKey: string; depth: number; out: CompareNode[] }> = [{ a, b, parentKey: '', depth: 0, out: roots }];
  while (work.length) {
    const w = work.pop()!;
    // A's paths in A's order, then the paths only B has in B's order.
    const ids = [...(w.a?.keys() ?? [])];
    for (const id of w.b?.keys() ?? []) if (!w.a?.has(id)) ids.push(id);
    for (const id of ids) {
      const na = w.a?.get(id);
      const nb = w.b?.get(id);
      const key = w.parentKey ? `${w.parentKey}${SEP}${SEP}${id}` : id;
      const sa = na?.stats ?? null;
      const sb = nb?.stats ?? null;
      const state: DiffState = !sb ? 'onlyA' : !sa ? 'onlyB' : sa.count === sb.count ? 'same' : 'changed';
      const first = (na ?? nb)!;
      const node: CompareNode = { key, service: first.service, operation: first.operation, depth: w.depth, a: sa, b: sb, state, children: [] };
      w.out.push(node);
      work.push({ a: na?.children, b: nb?.children, parentKey: key, depth: w.depth + 1, out: node.children });
    }
  }
  return roots;
}

export interface CompareSummary {
  /** Nodes of the merged tree by state. */
  nodes: Record<DiffState, number>;
  /** Spans under paths that only one trace has. */
  spansOnlyA: number;
  spansOnlyB: number;
}

export interface TraceComparison {
  roots: CompareNode[];
  summary: CompareSummary;
}

/** Merges the operation-path trees of traces A and B. */
export function compareTraces(a: TraceModel, b: TraceModel): TraceComparison {
  const roots = merge(fold(a), fold(b));
  const summary: CompareSummary = { nodes: { onlyA: 0, onlyB: 0, changed: 0, same: 0 }, spansOnlyA: 0, spansOnlyB: 0 };
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop()!;
    summary.nodes[n.state]++;
    if (n.state === 'onlyA') summary.spansOnlyA += n.a!.count;
    if (n.state === 'onlyB') summary.spansOnlyB += n.b!.count;
    for (const c of n.children) stack.push(c);
  }
  return { roots, summary };
}

/** Differences B − A of one node; undefined where a side is missing. */
export function nodeDelta(n: CompareNode): { count: number; mean: number; meanPercent: number | undefined; total: number } | undefined {
  if (!n.a || !n.b) return undefined;
  const mean = n.b.mean - n.a.mean;
  return {
    count: n.b.count - n.a.count,
    mean,
    meanPercent: n.a.mean > 0 ? (mean / n.a.mean) * 100 : undefined,
    total: n.b.total - n.a.total,
  };
}

export interface CompareRow {
  node: CompareNode;
  hasChildren: boolean;
}

/** The rows to show, depth first, skipping the children of collapsed nodes (by key). */
export function compareRows(roots: readonly CompareNode[], collapsed: ReadonlySet<string>): CompareRow[] {
  const rows: CompareRow[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    rows.push({ node, hasChildren: node.children.length > 0 });
    if (!collapsed.has(node.key)) for (let c = node.children.length - 1; c >= 0; c--) stack.push(node.children[c]);
  }
  return rows;
}
