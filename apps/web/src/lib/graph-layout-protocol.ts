// Messages between the page and the layout worker (graph-layout-worker.ts). Nodes are addressed
// by their index in the start message; positions come back as one flat array, x then y per node.

export type LayoutRequest =
  | {
      type: 'start';
      nodes: { id: string; r: number; x: number; y: number }[];
      links: { source: string; target: string }[];
      alpha: number;
      /** Ticks before the first positions are sent: a big graph is first shown half settled. */
      warmUpMs: number;
      /** Then positions at most this often while the layout cools. */
      intervalMs: number;
    }
  | { type: 'pin'; index: number; x: number; y: number }
  | { type: 'unpin'; index: number };

export interface LayoutReply {
  xy: Float64Array;
  alpha: number;
  done: boolean;
}
