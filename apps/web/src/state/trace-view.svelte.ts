// Everything the trace page knows: the trace (built once, held raw so Svelte never proxies 50,000
// span objects), which spans are collapsed, the zoom window, the selected span and the find
// results. Components read from here and call its methods; the URL mirrors the selection, the
// find text and the view so that any screen can be shared. A trace opened from a file (the open
// page) comes already built and never touches the server or the URL.
import { fetchTrace } from '../lib/api.ts';
import { collapseAll, collapseOneLevel, expandOneLevel, revealSpan, visibleRows } from '../lib/collapse.ts';
import { findSpans, parseFind } from '../lib/find.ts';
import { layoutFlame } from '../lib/flame-graph.ts';
import type { SpanColumn } from '../lib/span-table.ts';
import { buildTraceModel, type TraceModel } from '../lib/trace-model.ts';
import { selfTimes, type StatsGrouping } from '../lib/trace-stats.ts';
import { router } from './router.svelte.ts';

/** The trace page's views; the URL's `view` names them (Jaeger's alternate views). */
export const TRACE_TABS = ['timeline', 'flamegraph', 'statistics', 'spans', 'json'] as const;
export type TraceTab = (typeof TRACE_TABS)[number];

function tabFrom(param: string | null): TraceTab {
  return (TRACE_TABS as readonly string[]).includes(param ?? '') ? (param as TraceTab) : 'timeline';
}

/** A trace read from a file: already built, with the file's name for the page. */
export interface LoadedTrace {
  model: TraceModel;
  fileName: string;
}

export interface LoadTimings {
  fetchDecodeMs: number;
  buildMs: number;
  spans: number;
}

const MIN_ZOOM = 1e-6;

export class TraceView {
  readonly traceId: string;
  status = $state<'loading' | 'ready' | 'empty' | 'error'>('loading');
  error = $state('');
  partialMessage = $state('');
  model = $state.raw<TraceModel | null>(null);
  collapsed = $state.raw<Uint8Array>(new Uint8Array(0));
  rows = $derived(this.model ? visibleRows(this.model, this.collapsed) : new Int32Array(0));
  /** Visible part of the trace, as fractions of its duration. */
  zoom = $state.raw<[number, number]>([0, 1]);
  selected = $state(-1);
  findText = $state('');
  matches = $state.raw<number[]>([]);
  matchSet = $derived(new Set(this.matches));
  /** Position in `matches` of the current match, -1 before the first next/previous. */
  matchCursor = $state(-1);
  tab = $state<TraceTab>('timeline');
  showCritical = $state(true);
  /** Bumped to ask the waterfall to bring a row into view. */
  scrollRequest = $state.raw<{ span: number } | null>(null);
  timings = $state.raw<LoadTimings | null>(null);
  /** Set when the trace came from a file: there is no server copy to fetch, link or download. */
  readonly fileName: string | undefined;
  // The analysis views' figures: derived lazily, so the timeline never pays for them.
  selfTime = $derived(this.model ? selfTimes(this.model.spans) : new Float64Array(0));
  flameLayout = $derived(this.model ? layoutFlame(this.model) : null);
  /** Span the flame graph is zoomed in on, -1 for the whole trace. */
  flameFocus = $state(-1);
  statsBy = $state<StatsGrouping>('service');
  tableSort = $state.raw<{ column: SpanColumn; dir: 'asc' | 'desc' }>({ column: 'start', dir: 'asc' });
  tableFilter = $state('');
  private abort = new AbortController();

  constructor(traceId: string, params: URLSearchParams, loaded?: LoadedTrace) {
    this.traceId = loaded ? loaded.model.traceId : traceId;
    this.fileName = loaded?.fileName;
    this.findText = params.get('uiFind') ?? '';
    this.tab = tabFrom(params.get('view'));
    if (loaded && this.tab === 'json') this.tab = 'timeline';
    if (loaded) this.show(loaded.model, params.get('span') ?? '');
    else void this.load(params.get('span') ?? '');
  }

  private async load(spanParam: string): Promise<void> {
    const t0 = performance.now();
    try {
      const res = await fetchTrace(this.traceId, this.abort.signal);
      const t1 = performance.now();
      // Marks for `npm run bench:ui`, which reads where the time of opening a trace goes.
      performance.mark('tracegres:trace-fetched');
      const model = buildTraceModel(res.trace);
      performance.mark('tracegres:trace-built');
      this.timings = { fetchDecodeMs: t1 - t0, buildMs: performance.now() - t1, spans: model.spans.length };
      this.partialMessage = res.partial ? res.message || 'The trace is partial: the server did not return all of its spans.' : '';
      this.show(model, spanParam);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this.error = (e as Error).message;
      this.status = 'error';
    }
  }

  private show(model: TraceModel, spanParam: string): void {
    if (model.spans.length === 0) {
      this.status = 'empty';
      return;
    }
    this.collapsed = new Uint8Array(model.spans.length);
    this.model = model;
    this.status = 'ready';
    if (this.findText) this.setFind(this.findText);
    const target = spanParam ? model.spans.findIndex((s) => s.spanId === spanParam) : -1;
    if (target >= 0) this.select(target, { scroll: true });
  }

  dispose(): void {
    this.abort.abort();
  }

  private syncUrl(): void {
    // A file's trace lives on a page of its own: the URL could not bring it back anyway.
    if (this.fileName !== undefined) return;
    const p = new URLSearchParams();
    const m = this.model;
    if (m && this.selected >= 0) p.set('span', m.spans[this.selected].spanId);
    if (this.findText) p.set('uiFind', this.findText);
    if (this.tab !== 'timeline') p.set('view', this.tab);
    router.setQuery(p);
  }

  setTab(tab: TraceTab): void {
    this.tab = tab;
    this.syncUrl();
  }

  /** Selects a span (or none with -1), opening its ancestors so it shows. */
  select(span: number, opts: { scroll?: boolean } = {}): void {
    if (span >= 0 && this.model) {
      this.collapsed = revealSpan(this.model, this.collapsed, span);
      if (opts.scroll) this.scrollRequest = { span };
    }
    this.selected = span;
    this.syncUrl();
  }

  selectBySpanId(spanId: string): boolean {
    const i = this.model?.spans.findIndex((s) => s.spanId === spanId) ?? -1;
    if (i >= 0) this.select(i, { scroll: true });
    return i >= 0;
  }

  toggle(span: number): void {
    const next = this.collapsed.slice();
    next[span] = next[span] ? 0 : 1;
    this.collapsed = next;
  }

  expandAll(): void {
    if (this.model) this.collapsed = new Uint8Array(this.model.spans.length);
  }

  collapseAll(): void {
    if (this.model) this.collapsed = collapseAll(this.model);
  }

  expandOne(): void {
    if (this.model) this.collapsed = expandOneLevel(this.model, this.collapsed);
  }

  collapseOne(): void {
    if (this.model) this.collapsed = collapseOneLevel(this.model, this.collapsed);
  }

  /** Moves the selection to the next (+1) or previous (-1) visible row. */
  step(dir: 1 | -1): void {
    const rows = this.rows;
    if (!rows.length) return;
    const at = this.selected >= 0 ? rows.indexOf(this.selected) : -1;
    const next = at < 0 ? (dir > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + dir));
    this.select(rows[next], { scroll: true });
  }

  setFind(text: string): void {
    this.findText = text;
    this.matches = this.model ? findSpans(this.model.spans, this.model.order, parseFind(text)) : [];
    this.matchCursor = -1;
    this.syncUrl();
  }

  /** Goes to the next (+1) or previous (-1) match, opening its ancestors and scrolling to it. */
  nextMatch(dir: 1 | -1): void {
    const n = this.matches.length;
    if (!n) return;
    this.matchCursor = this.matchCursor < 0 ? (dir > 0 ? 0 : n - 1) : (this.matchCursor + dir + n) % n;
    this.select(this.matches[this.matchCursor], { scroll: true });
  }

  setZoom(a: number, b: number): void {
    const lo = Math.max(0, Math.min(a, b));
    const hi = Math.min(1, Math.max(a, b));
    this.zoom = hi - lo < MIN_ZOOM ? [lo, Math.min(1, lo + MIN_ZOOM)] : [lo, hi];
  }

  /** Shifts the zoom window by a share of its own width (negative = earlier). */
  pan(share: number): void {
    const [a, b] = this.zoom;
    const w = b - a;
    const shift = Math.max(-a, Math.min(1 - b, w * share));
    this.zoom = [a + shift, b + shift];
  }

  /** Narrows (factor < 1) or widens (factor > 1) the zoom window around its centre. */
  zoomBy(factor: number): void {
    const [a, b] = this.zoom;
    const mid = (a + b) / 2;
    const half = Math.min(0.5, ((b - a) * factor) / 2);
    let lo = mid - half;
    let hi = mid + half;
    if (lo < 0) [lo, hi] = [0, hi - lo];
    if (hi > 1) [lo, hi] = [lo - (hi - 1), 1];
    this.setZoom(lo, hi);
  }
}
