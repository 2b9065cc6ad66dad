// Puts the drawn nodes and edges where the layout says, by setting their attributes directly.
// The template draws each element once (classes, labels, figures); positions change hundreds at a
// time while a layout settles, and a dragged node moves only itself and its own edges, so running
// the template again for every element on every frame would be most of the cost.
import type { LayoutNode } from '../../lib/graph-layout.ts';
import { edgePath } from './graph-geometry.ts';

interface DrawnEdge {
  key: string;
  client: string;
  server: string;
  paths: SVGPathElement[];
}

const DEFAULT_RADIUS = 14;

export class GraphPainter {
  private nodes = new Map<string, SVGGElement>();
  private edges = new Map<string, DrawnEdge>();
  /** Kept apart from the edges: a label may be attached before or after its edge's group. */
  private labels = new Map<string, SVGTextElement>();
  /** Edge keys by the nodes they touch, to redraw a dragged node's edges only. */
  private touching = new Map<string, Set<string>>();
  private at = new Map<string, LayoutNode>();
  private radius = new Map<string, number>();

  /** The layout whose positions to draw, and the node radii; draws everything once. */
  use(at: Map<string, LayoutNode>, radius: Map<string, number>): void {
    [this.at, this.radius] = [at, radius];
    this.paintAll();
  }

  /** A Svelte attachment for a node's group. */
  node = (id: string) => (el: SVGGElement) => {
    this.nodes.set(id, el);
    this.paintNode(id, el);
    return () => {
      if (this.nodes.get(id) === el) this.nodes.delete(id);
    };
  };

  /** A Svelte attachment for an edge's group (its paths: the hit area and the line). */
  edge = (key: string, client: string, server: string) => (el: SVGGElement) => {
    const drawn: DrawnEdge = { key, client, server, paths: [...el.querySelectorAll<SVGPathElement>(':scope > path')] };
    this.edges.set(key, drawn);
    for (const id of [client, server]) this.touching.set(id, (this.touching.get(id) ?? new Set()).add(key));
    this.paintEdge(drawn);
    return () => {
      if (this.edges.get(key) !== drawn) return;
      this.edges.delete(key);
      for (const id of [client, server]) this.touching.get(id)?.delete(key);
    };
  };

  /** A Svelte attachment for an edge's call count, shown only when zoomed in far enough. */
  label = (key: string) => (el: SVGTextElement) => {
    this.labels.set(key, el);
    const drawn = this.edges.get(key);
    if (drawn) this.paintEdge(drawn);
    return () => {
      if (this.labels.get(key) === el) this.labels.delete(key);
    };
  };

  paintAll(): void {
    for (const [id, el] of this.nodes) this.paintNode(id, el);
    for (const drawn of this.edges.values()) this.paintEdge(drawn);
  }

  /** One node and the edges that touch it. */
  paintAround(id: string): void {
    const el = this.nodes.get(id);
    if (el) this.paintNode(id, el);
    for (const key of this.touching.get(id) ?? []) {
      const drawn = this.edges.get(key);
      if (drawn) this.paintEdge(drawn);
    }
  }

  private paintNode(id: string, el: SVGGElement): void {
    const d = this.at.get(id);
    if (d) el.setAttribute('transform', `translate(${round(d.x!)},${round(d.y!)})`);
  }

  private paintEdge(e: DrawnEdge): void {
    const a = this.at.get(e.client);
    const b = this.at.get(e.server);
    if (!a || !b) return;
    const r = (id: string) => this.radius.get(id) ?? DEFAULT_RADIUS;
    const geo = edgePath(a.x!, a.y!, r(e.client), b.x!, b.y!, r(e.server));
    for (const p of e.paths) p.setAttribute('d', geo.d);
    const label = this.labels.get(e.key);
    if (label) {
      label.setAttribute('x', String(round(geo.mx)));
      label.setAttribute('y', String(round(geo.my)));
    }
  }
}

/** A tenth of a pixel is finer than the eye can tell; shorter attribute strings parse faster. */
const round = (v: number) => Math.round(v * 10) / 10;
