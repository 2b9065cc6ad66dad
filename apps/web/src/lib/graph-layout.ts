// Force-directed layout of the service graph with d3-force. The same simulation is built on the
// page (to reheat it while a small graph's node is dragged) and in the layout worker (which
// settles a new graph off the main thread, see graph-layout-job.ts).
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3-force';

export interface LayoutNode extends SimulationNodeDatum {
  id: string;
  r: number;
}

export type LayoutLink = SimulationLinkDatum<LayoutNode>;

export interface Layout {
  nodes: LayoutNode[];
  links: LayoutLink[];
  simulation: Simulation<LayoutNode, LayoutLink>;
}

/**
 * A stopped simulation over the nodes and links; `previous` positions are kept for nodes that
 * were already placed (changing the focus or range does not reshuffle what stays on screen).
 * `alpha` overrides the starting heat (the worker continues where the page's copy starts).
 */
export function createLayout(
  nodes: { id: string; r: number }[],
  links: { source: string; target: string }[],
  previous: Map<string, { x: number; y: number }>,
  alpha?: number,
): Layout {
  const n = nodes.length;
  const ln: LayoutNode[] = nodes.map((d, i) => {
    const p = previous.get(d.id);
    // New nodes start on a phyllotaxis spiral: spread out, deterministic, no overlaps.
    const a = i * Math.PI * (3 - Math.sqrt(5));
    const rr = 30 * Math.sqrt(i + 0.5);
    return { id: d.id, r: d.r, x: p?.x ?? rr * Math.cos(a), y: p?.y ?? rr * Math.sin(a) };
  });
  const byId = new Map(ln.map((d) => [d.id, d]));
  const ll: LayoutLink[] = links.filter((l) => byId.has(l.source) && byId.has(l.target) && l.source !== l.target).map((l) => ({ source: byId.get(l.source)!, target: byId.get(l.target)! }));
  const simulation = forceSimulation<LayoutNode, LayoutLink>(ln)
    .force('link', forceLink<LayoutNode, LayoutLink>(ll).distance((l) => 120 + (l.source as LayoutNode).r + (l.target as LayoutNode).r).strength(0.3))
    .force('charge', forceManyBody<LayoutNode>().strength(n > 200 ? -260 : -600).theta(0.9).distanceMax(900))
    // Room for the name and figures printed under each node.
    .force('collide', forceCollide<LayoutNode>((d) => d.r + 48))
    // Weak pulls to the centre keep unconnected services from drifting away.
    .force('x', forceX<LayoutNode>(0).strength(0.04))
    .force('y', forceY<LayoutNode>(0).strength(0.04))
    .stop();
  // A big graph cools in fewer ticks (about 140 instead of 300): its spiral start is already spread out.
  if (n > 150) simulation.alphaDecay(0.05);
  if (alpha !== undefined) simulation.alpha(alpha);
  else if (previous.size && ln.every((d) => previous.has(d.id))) simulation.alpha(0.1);
  return { nodes: ln, links: ll, simulation };
}

/**
 * Runs the simulation until it cools, `budgetMs` of ticks per animation frame, calling `onFrame`
 * after each frame's ticks. Returns a function that stops it.
 */
export function runLayout(layout: Layout, onFrame: (done: boolean) => void, budgetMs = 8): () => void {
  let raf = 0;
  let stopped = false;
  const step = () => {
    const t0 = performance.now();
    const sim = layout.simulation;
    while (sim.alpha() > sim.alphaMin() && performance.now() - t0 < budgetMs) sim.tick();
    const done = sim.alpha() <= sim.alphaMin();
    onFrame(done);
    if (!done && !stopped) raf = requestAnimationFrame(step);
  };
  raf = requestAnimationFrame(step);
  return () => {
    stopped = true;
    cancelAnimationFrame(raf);
  };
}

/** The bounding box of the laid-out nodes, with their radii. */
export function bounds(nodes: LayoutNode[]): { x0: number; y0: number; x1: number; y1: number } {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const d of nodes) {
    x0 = Math.min(x0, d.x! - d.r);
    y0 = Math.min(y0, d.y! - d.r);
    x1 = Math.max(x1, d.x! + d.r);
    y1 = Math.max(y1, d.y! + d.r);
  }
  return nodes.length ? { x0, y0, x1, y1 } : { x0: -1, y0: -1, x1: 1, y1: 1 };
}
