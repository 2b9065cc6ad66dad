/** `demo`: a steady stream of traces to a running Tracegres, with a progress line. */
import type { TracesData } from '@tracegres/otlp';
import type { FlagSpec, FlagValue } from './args.ts';
import { commonConfig, commonFlags, formatCounts, onInterrupt, sleep } from './cli-common.ts';
import { createGenerator } from './generate.ts';
import { encodeRequest, sendEncoded, tracesUrl } from './send.ts';

export const demoFlags = {
  ...commonFlags,
  rate: { type: 'number', min: 0.01, max: 100_000, meta: 'N', help: 'traces per second (default 5)' },
  'flush-ms': { type: 'int', min: 50, max: 60_000, meta: 'MS', help: 'send what arrived every MS, like an SDK batch (default 1000)' },
  duration: { type: 'number', min: 0.1, meta: 'S', help: 'stop after S seconds (default: until Ctrl-C)' },
  'progress-s': { type: 'number', min: 0.5, meta: 'S', help: 'seconds between progress lines (default 5)' },
} as const satisfies Record<string, FlagSpec>;

export const demoUsage = `Usage: npm run demo -- [options]
Streams realistic traces from a simulated shop (a dozen services) to Tracegres until Ctrl-C.`;

interface Totals {
  traces: number;
  spans: number;
  errorTraces: number;
  requests: number;
  status: Record<string, number>;
}

/** Runs demo mode; resolves with the process exit code. */
export async function runDemo(f: Record<string, FlagValue>): Promise<number> {
  const common = commonConfig(f, Date.now() % 1_000_000);
  const rate = (f.rate as number | undefined) ?? 5;
  const flushMs = (f['flush-ms'] as number | undefined) ?? 1000;
  const progressMs = ((f['progress-s'] as number | undefined) ?? 5) * 1000;
  const durationMs = f.duration === undefined ? Infinity : (f.duration as number) * 1000;
  const gen = createGenerator({ ...common.generator, tracesPerSecond: rate });
  const stopper = new AbortController();
  const off = onInterrupt(() => stopper.abort());
  console.log(`demo: ${rate} traces/s to ${tracesUrl(common.url)} (${common.format}${common.gzip ? ', gzip' : ''}${common.tenant ? `, tenant ${common.tenant}` : ''}), seed ${common.generator.seed}. Ctrl-C stops.`);

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
      console.error(`demo: ${tracesUrl(common.url)} answered ${res.status === 0 ? 'nothing' : res.status}: ${res.error ?? ''}${hint}`);
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
    const tick = performance.now();
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
      console.log(
        `demo: ${Math.round((now - t0) / 1000)}s  traces/s ${(window.traces / secs).toFixed(1)}  spans/s ${Math.round(window.spans / secs)}  ` +
          `errors ${window.errorTraces}  http ${formatCounts(window.status)}  (total ${total.traces} traces, ${total.spans} spans)`,
      );
      window = { traces: 0, spans: 0, errorTraces: 0, requests: 0, status: {} };
      lastProgress = now;
    }
    if (now - t0 >= durationMs) break;
  }
  off();
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `demo: stopped after ${secs.toFixed(1)}s: ${total.traces} traces, ${total.spans} spans, ${total.errorTraces} with errors, ` +
      `${total.requests} requests, http ${formatCounts(total.status)}`,
  );
  return total.requests > 0 && okRequests === 0 ? 1 : 0;
}
