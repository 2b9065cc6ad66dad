// The flame graph of a trace (an icicle: roots on top, children below their parent). A frame's
// width is its span's duration and its row is its depth. Children are packed from their
// parent's left edge in start order, so the empty part at the right of a frame is its self
// time. When children together last longer than their parent (parallel calls, or clocks that
// disagree) they are squeezed to fit under it, keeping their relative widths, and the parent is
// marked so the view can say so.
import type { TraceModel } from './trace-model.ts';

export interface FlameLayout {
  /** Left and right edge of each span's frame (by span index), in microseconds of layout space. */
  x0: Float64Array;
  x1: Float64Array;
  /** 1 for spans whose children were squeezed to fit under them. */
  squeezed: Uint8Array;
  /** Width of the whole graph: the roots side by side. */
  total: number;
}

/** Lays out every frame once per trace; zooming only changes which part is drawn. */
export function layoutFlame(model: TraceModel): FlameLayout {
  const n = model.spans.length;
  const x0 = new Float64Array(n);
  const x1 = new Float64Array(n);
  const squeezed = new Uint8Array(n);
  // Pixels of layout per microsecond of duration: 1 until a squeeze, then shrinking with it.
  const k = new Float64Array(n).fill(1);
  let cursor = 0;
  for (const r of model.roots) {
    x0[r] = cursor;
    cursor += model.spans[r].duration;
    x1[r] = cursor;
  }
  // `order` lists parents before their children, so every parent is placed when it is reached.
  for (let p = 0; p < n; p++) {
    const s = model.spans[model.order[p]];
    if (s.children.length === 0) continue;
    const width = x1[s.index] - x0[s.index];
    let natural = 0;
    for (const c of s.children) natural += model.spans[c].duration * k[s.index];
    const shrink = natural > width && natural > 0 ? width / natural : 1;
    if (shrink < 1) squeezed[s.index] = 1;
    let at = x0[s.index];
    for (const c of s.children) {
      k[c] = k[s.index] * shrink;
      x0[c] = at;
      at += model.spans[c].duration * k[c];
      x1[c] = at;
    }
  }
  return { x0, x1, squeezed, total: cursor };
}

export interface FlameFrame {
  span: number;
  /** Pixels from the left of the drawing. */
  x: number;
  w: number;
  depth: number;
  /** An ancestor of the zoomed-in frame, drawn across the whole width. */
  ancestor: boolean;
}

export interface FlameView {
  frames: FlameFrame[];
  /** Spans in the zoomed range too narrow to draw (they and their subtrees). */
  hidden: number;
}

/**
 * The frames to draw at `widthPx` pixels, zoomed in on `focus` (a span index, or -1 for the whole
 * trace): the focus fills the width, its ancestors span it above, its descendants sit below.
 * Frames narrower than `minPx` are left out with their subtrees (a child is never wider than
 * its parent), so a 50,000-span trace draws only what can be seen.
 */
export function flameFrames(model: TraceModel, layout: FlameLayout, focus: number, widthPx: number, minPx = 0.5): FlameView {
  const frames: FlameFrame[] = [];
  const n = model.spans.length;
  if (n === 0) return { frames, hidden: 0 };
  const lo = focus >= 0 ? layout.x0[focus] : 0;
  const hi = focus >= 0 ? layout.x1[focus] : layout.total;
  const scale = hi > lo ? widthPx / (hi - lo) : 0;
  if (focus >= 0) {
    for (let a = model.spans[focus].parent; a >= 0; a = model.spans[a].parent) {
      frames.push({ span: a, x: 0, w: widthPx, depth: model.spans[a].depth, ancestor: true });
    }
    frames.reverse();
  }
  const from = focus >= 0 ? model.position[focus] : 0;
  const to = focus >= 0 ? model.subtreeEnd[focus] : n;
  let hidden = 0;
  for (let p = from; p < to; ) {
    const i = model.order[p];
    const w = (layout.x1[i] - layout.x0[i]) * scale;
    if (w < minPx) {
      hidden += model.subtreeEnd[i] - p;
      p = model.subtreeEnd[i];
      continue;
    }
    frames.push({ span: i, x: (layout.x0[i] - lo) * scale, w, depth: model.spans[i].depth, ancestor: false });
    p++;
  }
  return { frames, hidden };
}
