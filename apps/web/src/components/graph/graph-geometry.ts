// Shapes of the graph's nodes and edges in SVG path syntax.
import type { GraphNodeKind } from '../../lib/api.ts';

/** A node's outline centred on 0,0: circles for services, a cylinder-ish box for databases, a diamond for brokers. */
export function nodeShape(kind: GraphNodeKind, r: number): string {
  if (kind === 'database') {
    const w = r * 0.9;
    return `M${-w},${-r * 0.7} A${w},${r * 0.3} 0 0 1 ${w},${-r * 0.7} V${r * 0.7} A${w},${r * 0.3} 0 0 1 ${-w},${r * 0.7} Z`;
  }
  if (kind === 'messaging') return `M0,${-r} L${r},0 L0,${r} L${-r},0 Z`;
  return `M${-r},0 A${r},${r} 0 1 1 ${r},0 A${r},${r} 0 1 1 ${-r},0 Z`;
}

/** The error share as an arc on a node's ring, from 12 o'clock clockwise; empty when none. */
export function errorArc(r: number, share: number): string {
  if (!(share > 0)) return '';
  if (share >= 0.999) return `M0,${-r} A${r},${r} 0 1 1 0,${r} A${r},${r} 0 1 1 0,${-r}`;
  const a = share * 2 * Math.PI;
  return `M0,${-r} A${r},${r} 0 ${share > 0.5 ? 1 : 0} 1 ${r * Math.sin(a)},${-r * Math.cos(a)}`;
}

export interface EdgeGeometry {
  d: string;
  /** Where the label goes: the curve's midpoint. */
  mx: number;
  my: number;
}

/**
 * An edge from one node's rim to the other's, bent a little to the right of its direction so
 * that a call each way shows as two curves; a call to itself is a loop above the node.
 */
export function edgePath(x1: number, y1: number, r1: number, x2: number, y2: number, r2: number): EdgeGeometry {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const len = Math.hypot(dx, dy);
  if (len < 1e-6) {
    return { d: `M${x1 - r1 * 0.5},${y1 - r1 * 0.8} C${x1 - r1 * 1.6},${y1 - r1 * 3} ${x1 + r1 * 1.6},${y1 - r1 * 3} ${x1 + r1 * 0.5},${y1 - r1 * 0.8}`, mx: x1, my: y1 - r1 * 2.4 };
  }
  const [ux, uy] = [dx / len, dy / len];
  const bend = Math.min(40, len * 0.12);
  const cx = (x1 + x2) / 2 - uy * bend;
  const cy = (y1 + y2) / 2 + ux * bend;
  // Start and end on the rims, towards the control point.
  const rim = (x: number, y: number, r: number) => {
    const l = Math.hypot(cx - x, cy - y) || 1;
    return [x + ((cx - x) / l) * r, y + ((cy - y) / l) * r];
  };
  const [sx, sy] = rim(x1, y1, r1);
  const [ex, ey] = rim(x2, y2, r2 + 4);
  return { d: `M${sx},${sy} Q${cx},${cy} ${ex},${ey}`, mx: 0.25 * sx + 0.5 * cx + 0.25 * ex, my: 0.25 * sy + 0.5 * cy + 0.25 * ey };
}
