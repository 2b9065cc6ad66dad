// The critical path: the chain of work that decided when the trace finished. Walking back from
// the end of a span, the span itself was the blocker except while a child was running; the child
// that finished last before that point is taken, then the sibling that finished last before that
// child started, and so on. Children are first trimmed to their parent's time range, so a child
// whose clock runs ahead of its parent cannot put time on the path that the parent never spent.

export interface CriticalSegment {
  /** Microseconds since the trace's start. */
  start: number;
  end: number;
}

interface PathSpan {
  start: number;
  end: number;
  children: number[];
}

/** Critical-path segments by span index, for the trees under `roots`. */
export function criticalPath(spans: readonly PathSpan[], roots: readonly number[]): Map<number, CriticalSegment[]> {
  const out = new Map<number, CriticalSegment[]>();
  const add = (i: number, start: number, end: number) => {
    if (end <= start) return;
    const list = out.get(i);
    if (list) list.push({ start, end });
    else out.set(i, [{ start, end }]);
  };
  // Only the root that ends last decides the end of the trace.
  let last = -1;
  for (const r of roots) if (last < 0 || spans[r].end > spans[last].end) last = r;
  if (last < 0) return out;
  const work: Array<[number, number, number]> = [[last, spans[last].start, spans[last].end]];
  while (work.length) {
    const [i, lo, hi] = work.pop()!;
    const kids = spans[i].children
      .map((c) => ({ c, start: Math.max(spans[c].start, lo), end: Math.min(spans[c].end, hi) }))
      .filter((k) => k.end > k.start)
      .sort((a, b) => b.end - a.end || b.start - a.start);
    let cursor = hi;
    for (const k of kids) {
      if (k.end > cursor) continue; // overlaps the child already on the path
      add(i, k.end, cursor);
      work.push([k.c, k.start, k.end]);
      cursor = k.start;
    }
    add(i, lo, cursor);
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}
