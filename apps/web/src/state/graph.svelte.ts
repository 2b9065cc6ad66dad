// The service graph page's state. The URL holds what a link should reproduce: the time range,
// the focused service and its depth (or that the whole graph was asked for).
import { fetchServiceGraph, type GraphEdge, type GraphNode, type ServiceGraphResponse } from '../lib/api.ts';
import { FOCUS_THRESHOLD, MAX_DEPTH, busiestService, edgeKey, neighbourhood, searchMatches } from '../lib/graph-model.ts';
import { rangeFromUrl, rangeToUrl, resolveRange } from '../lib/time-range.ts';
import { router } from './router.svelte.ts';

export type Selection = { type: 'node'; name: string } | { type: 'edge'; key: string } | undefined;

export class GraphState {
  lookback = $state('1h');
  customStart = $state<number | undefined>(undefined);
  customEnd = $state<number | undefined>(undefined);
  focus = $state<string | undefined>(undefined);
  depth = $state(2);
  /** The whole graph was asked for even though it is above the focus threshold. */
  showAll = $state(false);
  search = $state('');
  selection = $state.raw<Selection>(undefined);
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state('');
  data = $state.raw<ServiceGraphResponse | undefined>(undefined);

  shown = $derived(this.data ? neighbourhood(this.data.nodes, this.data.edges, this.focus, this.depth) : { nodes: [], edges: [] });
  matches = $derived(searchMatches(this.shown.nodes, this.search));
  selectedNode = $derived.by((): GraphNode | undefined => {
    const s = this.selection;
    return s?.type === 'node' ? this.data?.nodes.find((n) => n.name === s.name) : undefined;
  });
  selectedEdge = $derived.by((): GraphEdge | undefined => {
    const s = this.selection;
    return s?.type === 'edge' ? this.data?.edges.find((e) => edgeKey(e) === s.key) : undefined;
  });
  private abort: AbortController | undefined;
  private lastFetch = '';

  fromUrl(params: URLSearchParams): void {
    const range = rangeFromUrl(params);
    this.lookback = range.lookback;
    if (range.custom) [this.customStart, this.customEnd] = range.custom;
    this.focus = params.get('focus') || undefined;
    const depth = Number(params.get('depth'));
    this.depth = Number.isInteger(depth) && depth >= 1 && depth <= MAX_DEPTH ? depth : 2;
    this.showAll = params.get('all') === '1';
    const key = `${this.lookback} ${this.customStart} ${this.customEnd}`;
    if (key !== this.lastFetch || this.status === 'error') {
      this.lastFetch = key;
      void this.load();
    }
  }

  private writeUrl(): void {
    const p = new URLSearchParams();
    rangeToUrl(p, this.lookback, this.customStart, this.customEnd);
    if (this.focus) {
      p.set('focus', this.focus);
      p.set('depth', String(this.depth));
    } else if (this.showAll) p.set('all', '1');
    router.setQuery(p);
  }

  setLookback(lb: string): void {
    this.lookback = lb;
    this.writeUrl();
    this.lastFetch = lb;
    void this.load();
  }

  focusOn(name: string | undefined): void {
    this.focus = name;
    this.showAll = name === undefined;
    this.writeUrl();
  }

  setDepth(d: number): void {
    this.depth = Math.min(MAX_DEPTH, Math.max(1, Math.round(d)));
    this.writeUrl();
  }

  select(s: Selection): void {
    this.selection = s;
  }

  /** [start, end] unix seconds of the graph on screen, as the server widened it. */
  range(): [number, number] {
    return this.data ? [this.data.start, this.data.end] : resolveRange(this.lookback, this.customStart, this.customEnd, Date.now());
  }

  async load(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const [start, end] = resolveRange(this.lookback, this.customStart, this.customEnd, Date.now());
    this.status = 'loading';
    try {
      const data = await fetchServiceGraph(start, end, abort.signal);
      // Marks for `npm run bench:ui`: the graph's data has arrived.
      performance.mark('tracegres:graph-fetched');
      this.data = data;
      // A big graph opens on its busiest service (Jaeger asks for a focus above 1,200 services).
      if (!this.focus && !this.showAll && data.nodes.length > FOCUS_THRESHOLD) {
        this.focus = busiestService(data.nodes);
        this.writeUrl();
      }
      this.status = 'ready';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this.error = (e as Error).message;
      this.status = 'error';
    }
  }
}
