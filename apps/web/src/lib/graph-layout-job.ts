// Settling a layout: in the layout worker when the browser can run one, else on the page in 8 ms
// slices per frame (runLayout). Either way the page's own simulation nodes carry the positions,
// so drawing, fitting and dragging read one place.
import { runLayout, type Layout, type LayoutNode } from './graph-layout.ts';
import type { LayoutReply, LayoutRequest } from './graph-layout-protocol.ts';

export interface LayoutJob {
  /** Ends the job; positions stay where they got to. */
  stop(): void;
  /** Holds a node where the pointer put it while the job still runs. */
  pin(d: LayoutNode): void;
  unpin(d: LayoutNode): void;
}

export interface LayoutJobOptions {
  /** Called with each batch of new positions, and with `done` once the layout has cooled. */
  onPositions: (done: boolean) => void;
  warmUpMs?: number;
  intervalMs?: number;
}

/** Runs the layout on the page, a slice of ticks per animation frame. */
export function settleHere(layout: Layout, onPositions: (done: boolean) => void): LayoutJob {
  const stop = runLayout(layout, onPositions);
  // The page's simulation reads fx/fy from its own nodes: nothing to forward.
  return { stop, pin: () => {}, unpin: () => {} };
}

/**
 * Runs the layout in a worker from the nodes' current positions and alpha; falls back to the
 * page if the worker cannot start or fails.
 */
export function settleInWorker(layout: Layout, options: LayoutJobOptions): LayoutJob {
  let worker: Worker;
  try {
    worker = new Worker(new URL('./graph-layout-worker.ts', import.meta.url), { type: 'module', name: 'graph-layout' });
  } catch {
    return settleHere(layout, options.onPositions);
  }
  const index = new Map(layout.nodes.map((d, i) => [d, i]));
  let fallback: LayoutJob | undefined;
  let stopped = false;
  worker.onmessage = (e: MessageEvent<LayoutReply>) => {
    if (stopped) return;
    const { xy, alpha, done } = e.data;
    layout.nodes.forEach((d, i) => {
      // A dragged node stays under the pointer even if this batch was computed before it moved.
      if (d.fx != null) return;
      d.x = xy[2 * i];
      d.y = xy[2 * i + 1];
    });
    layout.simulation.alpha(alpha);
    if (done) worker.terminate();
    options.onPositions(done);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    worker.terminate();
    if (!stopped) fallback = settleHere(layout, options.onPositions);
  };
  const send = (m: LayoutRequest) => worker.postMessage(m);
  send({
    type: 'start',
    nodes: layout.nodes.map((d) => ({ id: d.id, r: d.r, x: d.x!, y: d.y! })),
    links: layout.links.map((l) => ({ source: (l.source as LayoutNode).id, target: (l.target as LayoutNode).id })),
    alpha: layout.simulation.alpha(),
    warmUpMs: options.warmUpMs ?? 0,
    intervalMs: options.intervalMs ?? 200,
  });
  return {
    stop() {
      stopped = true;
      worker.terminate();
      fallback?.stop();
    },
    pin(d) {
      const i = index.get(d);
      if (i !== undefined) send({ type: 'pin', index: i, x: d.fx!, y: d.fy! });
    },
    unpin(d) {
      const i = index.get(d);
      if (i !== undefined) send({ type: 'unpin', index: i });
    },
  };
}
