// The search page's state. The URL is the source of truth for a search (query, time range,
// limit, sort): running a search navigates, and every navigation to /search runs what the URL
// says, so back/forward and shared links repeat the same search.
import { searchTraces } from '../lib/api.ts';
import { emptyForm, type SearchForm } from '../lib/search-form.ts';
import { isSortKey, sortResults, toResultRow, type ResultRow, type SortKey } from '../lib/results.ts';
import { lookbackSeconds, rangeToUrl, resolveRange } from '../lib/time-range.ts';
import { router } from './router.svelte.ts';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1500;

export class SearchState {
  query = $state('{}');
  lookback = $state('1h');
  /** Unix seconds, for lookback = 'custom'. */
  customStart = $state<number | undefined>(undefined);
  customEnd = $state<number | undefined>(undefined);
  limit = $state(DEFAULT_LIMIT);
  form = $state<SearchForm>(emptyForm());
  sort = $state<SortKey>('recent');
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state('');
  results = $state.raw<ResultRow[]>([]);
  sorted = $derived(sortResults(this.results, this.sort));
  /** [start, end] unix seconds of the last search. */
  range = $state.raw<[number, number]>([0, 0]);
  tookMs = $state(0);
  /** Trace ids ticked for comparison (at most two). */
  compare = $state.raw<string[]>([]);
  private abort: AbortController | undefined;
  private lastUrl = '';

  /** Reads a search from URL parameters and runs it when it names a query. */
  fromUrl(params: URLSearchParams): void {
    const q = params.get('q');
    const lb = params.get('lookback') ?? '1h';
    this.lookback = lb === 'custom' || lookbackSeconds(lb) !== undefined ? lb : '1h';
    const start = Number(params.get('start'));
    const end = Number(params.get('end'));
    if (this.lookback === 'custom' && start > 0 && end > 0) {
      this.customStart = start;
      this.customEnd = end;
    } else if (this.lookback === 'custom') this.lookback = '1h';
    const limit = Number(params.get('limit'));
    this.limit = Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT;
    const sort = params.get('sort') ?? 'recent';
    this.sort = isSortKey(sort) ? sort : 'recent';
    if (q === null) return;
    this.query = q;
    const key = params.toString();
    // The same URL again (e.g. only the sort changed, which rewrites the URL in place) is no new search.
    if (key === this.lastUrl && this.status !== 'error') return;
    this.lastUrl = key;
    void this.fetch();
  }

  private urlParams(): URLSearchParams {
    const p = new URLSearchParams({ q: this.query });
    rangeToUrl(p, this.lookback, this.customStart, this.customEnd);
    p.set('limit', String(this.limit));
    if (this.sort !== 'recent') p.set('sort', this.sort);
    return p;
  }

  /** Runs the current query by navigating to its URL (a repeat of the same URL searches again). */
  run(): void {
    const url = `/search?${this.urlParams()}`;
    if (url === location.pathname + location.search) {
      this.lastUrl = '';
      this.fromUrl(new URLSearchParams(location.search));
    } else router.go(url);
  }

  /** Narrows the time range to [start, end] unix seconds (the scatter plot's brush) and searches. */
  narrow(start: number, end: number): void {
    this.lookback = 'custom';
    this.customStart = Math.floor(start);
    this.customEnd = Math.max(Math.ceil(end), Math.floor(start) + 1);
    this.run();
  }

  setSort(key: SortKey): void {
    this.sort = key;
    router.setQuery(this.urlParams());
  }

  toggleCompare(id: string): void {
    if (this.compare.includes(id)) this.compare = this.compare.filter((x) => x !== id);
    else this.compare = [...this.compare, id].slice(-2);
  }

  private async fetch(): Promise<void> {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const [start, end] = resolveRange(this.lookback, this.customStart, this.customEnd, Date.now());
    this.status = 'loading';
    this.error = '';
    const t0 = performance.now();
    try {
      const res = await searchTraces({ q: this.query, limit: this.limit, start, end }, abort.signal);
      this.results = (res.traces ?? []).map(toResultRow);
      this.range = [start, end];
      this.tookMs = performance.now() - t0;
      this.compare = this.compare.filter((id) => this.results.some((r) => r.traceId === id));
      this.status = 'ready';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this.error = (e as Error).message;
      this.status = 'error';
    }
  }
}
