/**
 * The demo stream: traces "arrive" at a steady rate and are sent every `flushMs` as one OTLP
 * request, like an SDK's batch processor. Runtime-free (fetch, timers), so the CLI's `demo` and
 * the server's `DEMO=1` option run the same loop.
 */
import type { TracesData } from '@tracegres/otlp';
import { formatCounts, sleep } from './timing.ts';
import { type GeneratorOptions, createGenerator } from './generate.ts';
import { type OtlpFormat, encodeRequest, sendEncoded, tracesUrl } from './send.ts';

export interface DemoTotals {
  traces: number;
  spans: number;
  errorTraces: number;
  requests: number;
  status: Record<string, number>;
}

export interface DemoStreamOptions {
  url: string;
  /** Traces per second. */
  rate: number;
  flushMs?: number;
  format?: OtlpFormat;
  gzip?: boolean;
  tenant?: string;
  timeoutMs?: number;
  generator?: Partial<Omit<GeneratorOptions, 'tracesPerSecond'>>;
  /** Stops the stream. */
  signal: AbortSignal;
  durationMs?: number;
  progressMs?: number;
  onProgress?: (line: string) => void;
  onWarn?: (line: string) => void;
}

/** Sends demo traces until `signal` aborts or `durationMs` passes; returns the totals. */
export async function runDemoStream(o: DemoStreamOptions): Promise<{ total: DemoTotals; okRequests: number }> {
  const rate = o.rate;
  const flushMs = o.flushMs ?? 1000;
  const durationMs = o.durationMs ?? Infinity;
  const progressMs = o.progressMs ?? 5000;
  const common = { url: o.url, format: o.format ?? 'protobuf', gzip: o.gzip ?? false, tenant: o.tenant, timeoutMs: o.timeoutMs };
  const gen = createGenerator({ seed: Date.now() % 1_000_000, ...o.generator, tracesPerSecond: rate });
  const stopper = { signal: o.signal };
  type Totals = DemoTotals;
  const total: Totals = { traces: 0, spans: 0, errorTraces: 0, requests: 0, status: {} };
  let window: Totals = { traces: 0, spans: 0, errorTraces: 0, requests: 0, status: {} };
  const t0 = performance.now();
  let lastProgress = t0;
  let due = 0;
  let warned = false;
  let okRequests = 0;
  let pause = 0;

  const flush = async (tds: TracesData[], traces: number, spans: number, errors: number): Promise<void> => {
    if (tds.length === 0) return;
    const td: TracesData = { resourceSpans: tds.flatMap((t) => t.resourceSpans) };
    const req = await encodeRequest(td, { format: common.format, gzip: common.gzip });
    const res = await sendEncoded(req, { url: common.url, tenant: common.tenant, timeoutMs: common.timeoutMs });
    const key = res.status === 0 ? 'ERR' : String(res.status);
    for (const t of [total, window]) {
      t.requests++;
      t.traces += traces;
      t.spans += spans;
      t.errorTraces += errors;
      t.status[key] = (t.status[key] ?? 0) + 1;
    }
    if (!res.ok && !warned) {
      warned = true;
      const hint = res.status === 0 ? ' — is Tracegres running? (npm start)' : '';
      o.onWarn?.(`demo: ${tracesUrl(common.url)} answered ${res.status === 0 ? 'nothing' : res.status}: ${res.error ?? ''}${hint}`);
    }
    if (res.ok) {
      warned = false;
      okRequests++;
    }
    if (res.retryAfterSeconds !== undefined && (res.status === 429 || res.status === 503)) pause = Math.min(res.retryAfterSeconds, 30) * 1000;
  };

  let lastTick = t0;
  while (!stopper.signal.aborted) {
    // wait for the next flush (or the end), then send what "arrived" meanwhile, like an SDK batch
    const left = durationMs - (performance.now() - t0);
    await sleep(Math.min(Math.max(pause, flushMs - (performance.now() - lastTick)), left), stopper.signal);
    pause = 0;
    // Ticks never pass the stop time; the tick after a slow flush still sends what arrived up to
    // it (as an SDK flushes on shutdown), so a run sends rate x duration traces however slow the
    // server or the machine.
    const tick = Math.min(performance.now(), t0 + durationMs);
    due += (rate * (tick - lastTick)) / 1000;
    const intervalNs = (tick - lastTick) * 1e6;
    lastTick = tick;
    const n = Math.floor(due);
    due -= n;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const tds: TracesData[] = [];
    const before = { ...gen.stats };
    for (let k = 0; k < n; k++) {
      // spread arrivals over the interval just ended, oldest first
      tds.push(gen.nextTrace({ startTimeNs: nowNs - BigInt(Math.round(((n - k - 0.5) / n) * intervalNs)) }));
    }
    await flush(tds, n, gen.stats.spans - before.spans, gen.stats.errorTraces - before.errorTraces);
    const now = performance.now();
    if (now - lastProgress >= progressMs) {
      const secs = (now - lastProgress) / 1000;
      o.onProgress?.(
        `demo: ${Math.round((now - t0) / 1000)}s  traces/s ${(window.traces / secs).toFixed(1)}  spans/s ${Math.round(window.spans / secs)}  ` +
          `errors ${window.errorTraces}  http ${formatCounts(window.status)}  (total ${total.traces} traces, ${total.spans} spans)`,
      );
      window = { traces: 0, spans: 0, errorTraces: 0, requests: 0, status: {} };
      lastProgress = now;
    }
    if (lastTick >= t0 + durationMs) break;
  }
  return { total, okRequests };
}
