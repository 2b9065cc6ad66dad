/**
 * Nested-set numbers for one trace, so structural TraceQL (`>>`, `>`, `<<`, `<`, `~`) becomes
 * range and equality comparisons on indexed columns instead of a recursive walk:
 * `a` is an ancestor of `b` exactly when `a.left < b.left && b.right < a.right`.
 *
 * Spans whose parent is missing from the trace are roots of their own subtrees (the forest is
 * numbered as one sequence, so ranges of different roots never overlap). A parent cycle, which
 * only broken instrumentation produces, is cut where the walk first meets it.
 */
export interface TreeSpan {
  spanId: string;
  parentSpanId: string;
  startNs: bigint;
}

export interface NestedNumbers {
  left: number;
  right: number;
  depth: number;
}

export function nestedSets(spans: readonly TreeSpan[]): Map<string, NestedNumbers> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, TreeSpan[]>();
  const roots: TreeSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && s.parentSpanId !== s.spanId && ids.has(s.parentSpanId)) {
      const l = children.get(s.parentSpanId);
      if (l) l.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  // Deterministic order: by start time, then span id (the same numbers on every run).
  const order = (a: TreeSpan, b: TreeSpan) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
  const out = new Map<string, NestedNumbers>();
  let counter = 0;
  // Iterative DFS: traces can be 100k spans deep in the worst case.
  const walk = (root: TreeSpan) => {
    const stack: { span: TreeSpan; depth: number; next: number; kids: TreeSpan[] }[] = [];
    const enter = (span: TreeSpan, depth: number) => {
      out.set(span.spanId, { left: ++counter, right: 0, depth });
      stack.push({ span, depth, next: 0, kids: (children.get(span.spanId) ?? []).slice().sort(order) });
    };
    enter(root, 0);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const kid = top.kids[top.next++];
      if (kid === undefined) {
        out.get(top.span.spanId)!.right = ++counter;
        stack.pop();
      } else if (!out.has(kid.spanId)) enter(kid, top.depth + 1);
    }
  };
  for (const r of roots.sort(order)) walk(r);
  // Spans only reachable through a cycle were never entered: number them as roots.
  for (const s of spans.slice().sort(order)) if (!out.has(s.spanId)) walk(s);
  return out;
}
