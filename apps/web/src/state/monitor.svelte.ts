// The Monitor page's state (Jaeger's SPM): service, span kind and time range live in the URL.
import { fetchMonitor, fetchMonitorServices, type MonitorOperation, type MonitorResponse, type MonitorService } from '../lib/api.ts';
import { rangeFromUrl, rangeToUrl, resolveRange } from '../lib/time-range.ts';
import { router } from './router.svelte.ts';

export const SPAN_KINDS = ['server', 'client', 'producer', 'consumer', 'internal'] as const;
export type OperationSort = 'name' | 'p95Ms' | 'rate' | 'errorRate' | 'impact';

export class MonitorState {
  lookback = $state('1h');
  customStart = $state<number | undefined>(undefined);
  customEnd = $state<number | undefined>(undefined);
  service = $state('');
  spanKind = $state<string>('server');
  services = $state.raw<MonitorService[]>([]);
  servicesStatus = $state<'loading' | 'ready' | 'error'>('loading');
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state('');
  data = $state.raw<MonitorResponse | undefined>(undefined);
  sort = $state<OperationSort>('impact');
  descending = $state(true);
  operations = $derived(sortOperations(this.data?.operations ?? [], this.sort, this.descending));
  private abort: AbortController | undefined;
  private lastKey = '';

  fromUrl(params: URLSearchParams): void {
    const range = rangeFromUrl(params);
    this.lookback = range.lookback;
    if (range.custom) [this.customStart, this.customEnd] = range.custom;
    this.service = params.get('service') ?? '';
    const kind = params.get('spanKind') ?? 'server';
    this.spanKind = (SPAN_KINDS as readonly string[]).includes(kind) ? kind : 'server';
    void this.load();
  }

  private writeUrl(): void {
    const p = new URLSearchParams();
    if (this.service) p.set('service', this.service);
    p.set('spanKind', this.spanKind);
    rangeToUrl(p, this.lookback, this.customStart, this.customEnd);
    router.setQuery(p);
  }

  set(change: Partial<{ service: string; spanKind: string; lookback: string }>): void {
    if (change.service !== undefined) this.service = change.service;
    if (change.spanKind !== undefined) this.spanKind = change.spanKind;
    if (change.lookback !== undefined) this.lookback = change.lookback;
    this.writeUrl();
    void this.load();
  }

  sortBy(key: OperationSort): void {
    if (this.sort === key) this.descending = !this.descending;
    else [this.sort, this.descending] = [key, key !== 'name'];
  }

  range(): [number, number] {
    return this.data ? [this.data.start, this.data.end] : resolveRange(this.lookback, this.customStart, this.customEnd, Date.now());
  }

  private async load(): Promise<void> {
    const [start, end] = resolveRange(this.lookback, this.customStart, this.customEnd, Date.now());
    const key = `${this.service} ${this.spanKind} ${this.lookback} ${this.customStart} ${this.customEnd}`;
    if (key === this.lastKey && this.status !== 'error') return;
    this.lastKey = key;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    try {
      this.servicesStatus = 'loading';
      this.services = (await fetchMonitorServices(start, end, abort.signal)).services;
      this.servicesStatus = 'ready';
      // No service chosen: the first one, as Jaeger's Monitor does.
      if (!this.service && this.services.length) {
        this.service = this.services[0].name;
        this.writeUrl();
      }
      if (!this.service) {
        this.status = 'idle';
        return;
      }
      this.status = 'loading';
      this.data = await fetchMonitor({ service: this.service, spanKind: this.spanKind, start, end }, abort.signal);
      this.status = 'ready';
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      this.error = (e as Error).message;
      this.status = 'error';
      this.servicesStatus = 'ready';
    }
  }
}

export function sortOperations(ops: MonitorOperation[], key: OperationSort, descending: boolean): MonitorOperation[] {
  const dir = descending ? -1 : 1;
  const val = (o: MonitorOperation) => (key === 'name' ? 0 : (o[key] ?? -1));
  return [...ops].sort((a, b) => (key === 'name' ? dir * a.name.localeCompare(b.name) : dir * (val(a) - val(b))) || a.name.localeCompare(b.name));
}
