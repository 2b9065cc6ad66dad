// Which rows show, given which spans are collapsed. The display order is fixed when the trace is
// built; a collapsed span hides the contiguous run of its descendants, so the visible list is one
// pass over the order that jumps past each collapsed subtree.

export interface CollapseTree {
  order: Int32Array;
  position: Int32Array;
  subtreeEnd: Int32Array;
  spans: ReadonlyArray<{ parent: number; children: readonly number[]; depth: number }>;
}

/** Span indices of the visible rows, in display order. */
export function visibleRows(t: CollapseTree, collapsed: Uint8Array): Int32Array {
  const out = new Int32Array(t.order.length);
  let n = 0;
  let k = 0;
  while (k < t.order.length) {
    const i = t.order[k];
    out[n++] = i;
    k = collapsed[i] ? t.subtreeEnd[i] : k + 1;
  }
  return out.subarray(0, n);
}

/** Collapses every span that has children. */
export function collapseAll(t: CollapseTree): Uint8Array {
  const c = new Uint8Array(t.order.length);
  t.spans.forEach((s, i) => {
    if (s.children.length) c[i] = 1;
  });
  return c;
}

/**
 * Collapses the deepest level of open parents among the visible rows, so that repeating it folds
 * the tree up one level at a time.
 */
export function collapseOneLevel(t: CollapseTree, collapsed: Uint8Array): Uint8Array {
  const rows = visibleRows(t, collapsed);
  let deepest = -1;
  for (const i of rows) if (t.spans[i].children.length && !collapsed[i] && t.spans[i].depth > deepest) deepest = t.spans[i].depth;
  const next = collapsed.slice();
  if (deepest < 0) return next;
  for (const i of rows) if (t.spans[i].children.length && t.spans[i].depth === deepest) next[i] = 1;
  return next;
}

/** Opens the shallowest level of collapsed spans among the visible rows. */
export function expandOneLevel(t: CollapseTree, collapsed: Uint8Array): Uint8Array {
  const rows = visibleRows(t, collapsed);
  let shallowest = Infinity;
  for (const i of rows) if (collapsed[i] && t.spans[i].depth < shallowest) shallowest = t.spans[i].depth;
  const next = collapsed.slice();
  for (const i of rows) if (collapsed[i] && t.spans[i].depth === shallowest) next[i] = 0;
  return next;
}

/** Opens every ancestor of `span` so that its row shows; returns the same array if nothing changed. */
export function revealSpan(t: CollapseTree, collapsed: Uint8Array, span: number): Uint8Array {
  let next = collapsed;
  for (let p = t.spans[span].parent; p >= 0; p = t.spans[p].parent) {
    if (!next[p]) continue;
    if (next === collapsed) next = collapsed.slice();
    next[p] = 0;
  }
  return next;
}
