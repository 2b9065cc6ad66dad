// The layout worker: settles a graph's simulation off the main thread, so that hundreds of nodes
// cool at full speed while the page keeps panning and zooming, instead of 8 ms per frame between
// redraws. It posts positions a few times a second (the first after a short warm-up, so the page
// never shows the starting spiral of a big graph) and once more when the layout has cooled.
import { createLayout, type Layout } from './graph-layout.ts';
import type { LayoutReply, LayoutRequest } from './graph-layout-protocol.ts';

/** Ticks run in chunks of this long, so that pin messages from a drag get in between. */
const CHUNK_MS = 25;

let layout: Layout | undefined;
let lastPost = 0;
let firstPost = true;
let warmUpMs = 0;
let intervalMs = 0;

function post(done: boolean): void {
  const l = layout!;
  const xy = new Float64Array(l.nodes.length * 2);
  l.nodes.forEach((d, i) => {
    xy[2 * i] = d.x!;
    xy[2 * i + 1] = d.y!;
  });
  const reply: LayoutReply = { xy, alpha: l.simulation.alpha(), done };
  postMessage(reply, { transfer: [xy.buffer] });
  lastPost = performance.now();
  firstPost = false;
}

function step(started: number): void {
  const l = layout;
  if (!l) return;
  const sim = l.simulation;
  const t0 = performance.now();
  while (sim.alpha() > sim.alphaMin() && performance.now() - t0 < CHUNK_MS) sim.tick();
  const done = sim.alpha() <= sim.alphaMin();
  const now = performance.now();
  if (done || (firstPost ? now - started >= warmUpMs : now - lastPost >= intervalMs)) post(done);
  if (!done) setTimeout(() => step(started), 0);
}

addEventListener('message', (e: MessageEvent<LayoutRequest>) => {
  const m = e.data;
  if (m.type === 'start') {
    const previous = new Map(m.nodes.map((d) => [d.id, { x: d.x, y: d.y }]));
    layout = createLayout(m.nodes, m.links, previous, m.alpha);
    [firstPost, warmUpMs, intervalMs] = [true, m.warmUpMs, m.intervalMs];
    step(performance.now());
    return;
  }
  const d = layout?.nodes[m.index];
  if (!d) return;
  if (m.type === 'pin') [d.x, d.y, d.fx, d.fy] = [m.x, m.y, m.x, m.y];
  else [d.fx, d.fy] = [null, null];
});
