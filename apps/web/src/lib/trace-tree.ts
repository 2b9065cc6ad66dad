// Links spans into a tree and orders them for display. Real traces are messy: parents that were
// never received (or not yet), duplicate span ids, ids that point at themselves or form a loop,
// and children whose clocks disagree with their parent's. None of these may lose a span.

/** The fields tree building reads and fills in. */
export interface TreeSpan {
  spanId: string;
  parentSpanId: string;
  start: number;
  end: number;
  parent: number;
  children: number[];
  depth: number;
  orphan: boolean;
  skew: number;
}

export interface TraceTree {
  /** Span indices in display order: depth first, siblings by start time. */
  order: Int32Array;
  /** For each span index: its position in `order`. */
  position: Int32Array;
  /** For each span index: the position in `order` just past its last descendant. */
  subtreeEnd: Int32Array;
  /** Spans without a parent in the trace, by start time. */
  roots: number[];
  maxDepth: number;
}

const byStart = (spans: readonly TreeSpan[]) => (a: number, b: number) => spans[a].start - spans[b].start || a - b;

/**
 * Fills in `parent`, `children`, `depth`, `orphan` and `skew` on every span and returns the
 * display order. A span whose parent id is absent from the trace becomes an extra root marked
 * `orphan`; so does one caught in a parent loop (the loop is cut at its first span). Iterative
 * throughout: a 50,000-span chain must not overflow the stack.
 */
export function buildTree(spans: TreeSpan[]): TraceTree {
  const n = spans.length;
  const byId = new Map<string, number>();
  for (let i = 0; i < n; i++) if (!byId.has(spans[i].spanId)) byId.set(spans[i].spanId, i);
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    s.parent = -1;
    s.children = [];
    s.orphan = false;
    if (s.parentSpanId === '') continue;
    const p = byId.get(s.parentSpanId);
    if (p === undefined || p === i) s.orphan = true;
    else s.parent = p;
  }
  for (let i = 0; i < n; i++) if (spans[i].parent >= 0) spans[spans[i].parent].children.push(i);
  const cmp = byStart(spans);
  for (const s of spans) if (s.children.length > 1) s.children.sort(cmp);

  const order = new Int32Array(n);
  const position = new Int32Array(n).fill(-1);
  let placed = 0;
  let maxDepth = 0;
  const walk = (root: number) => {
    spans[root].depth = 0;
    const stack = [root];
    while (stack.length) {
      const i = stack.pop()!;
      position[i] = placed;
      order[placed++] = i;
      const s = spans[i];
      if (s.depth > maxDepth) maxDepth = s.depth;
      for (let c = s.children.length - 1; c >= 0; c--) {
        const child = spans[s.children[c]];
        child.depth = s.depth + 1;
        stack.push(s.children[c]);
      }
    }
  };
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (spans[i].parent < 0) roots.push(i);
  roots.sort(cmp);
  for (const r of roots) walk(r);
  // Whatever no root reached sits on a parent loop: cut each loop where it is first met.
  for (let i = 0; i < n && placed < n; i++) {
    if (position[i] >= 0) continue;
    const s = spans[i];
    const siblings = spans[s.parent].children;
    siblings.splice(siblings.indexOf(i), 1);
    s.parent = -1;
    s.orphan = true;
    roots.push(i);
    walk(i);
  }

  const size = new Int32Array(n).fill(1);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k];
    const p = spans[i].parent;
    if (p >= 0) size[p] += size[i];
  }
  const subtreeEnd = new Int32Array(n);
  for (let i = 0; i < n; i++) subtreeEnd[i] = position[i] + size[i];

  for (const s of spans) {
    if (s.parent < 0) continue;
    const p = spans[s.parent];
    s.skew = Math.max(0, p.start - s.start, s.end - p.end);
  }
  return { order, position, subtreeEnd, roots, maxDepth };
}
