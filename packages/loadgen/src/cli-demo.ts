/** `demo`: a steady stream of traces to a running Tracegres, with a progress line. */
import type { FlagSpec, FlagValue } from './args.ts';
import { commonConfig, commonFlags, formatCounts, onInterrupt } from './cli-common.ts';
import { runDemoStream } from './demo-stream.ts';
import { tracesUrl } from './send.ts';

export const demoFlags = {
  ...commonFlags,
  rate: { type: 'number', min: 0.01, max: 100_000, meta: 'N', help: 'traces per second (default 5)' },
  'flush-ms': { type: 'int', min: 50, max: 60_000, meta: 'MS', help: 'send what arrived every MS, like an SDK batch (default 1000)' },
  duration: { type: 'number', min: 0.1, meta: 'S', help: 'stop after S seconds (default: until Ctrl-C)' },
  'progress-s': { type: 'number', min: 0.5, meta: 'S', help: 'seconds between progress lines (default 5)' },
} as const satisfies Record<string, FlagSpec>;

export const demoUsage = `Usage: npm run demo -- [options]
Streams realistic traces from a simulated shop (a dozen services) to Tracegres until Ctrl-C.`;

/** Runs demo mode; resolves with the process exit code. */
export async function runDemo(f: Record<string, FlagValue>): Promise<number> {
  const common = commonConfig(f, Date.now() % 1_000_000);
  const rate = (f.rate as number | undefined) ?? 5;
  const stopper = new AbortController();
  const off = onInterrupt(() => stopper.abort());
  console.log(`demo: ${rate} traces/s to ${tracesUrl(common.url)} (${common.format}${common.gzip ? ', gzip' : ''}${common.tenant ? `, tenant ${common.tenant}` : ''}), seed ${common.generator.seed}. Ctrl-C stops.`);
  const t0 = performance.now();
  const { total, okRequests } = await runDemoStream({
    url: common.url,
    rate,
    flushMs: f['flush-ms'] as number | undefined,
    format: common.format,
    gzip: common.gzip,
    tenant: common.tenant,
    timeoutMs: common.timeoutMs,
    generator: common.generator,
    signal: stopper.signal,
    durationMs: f.duration === undefined ? undefined : (f.duration as number) * 1000,
    progressMs: ((f['progress-s'] as number | undefined) ?? 5) * 1000,
    onProgress: (line) => console.log(line),
    onWarn: (line) => console.error(line),
  });
  off();
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `demo: stopped after ${secs.toFixed(1)}s: ${total.traces} traces, ${total.spans} spans, ${total.errorTraces} with errors, ` +
      `${total.requests} requests, http ${formatCounts(total.status)}`,
  );
  return total.requests > 0 && okRequests === 0 ? 1 : 0;
}
