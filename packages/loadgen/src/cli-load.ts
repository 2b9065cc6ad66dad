/**
 * `load`: a benchmark client. Bodies are generated and encoded before the clock starts; the timed
 * part only copies a pooled body, re-salts its trace ids (so nothing is a duplicate) and POSTs it.
 */
import type { FlagSpec, FlagValue } from './args.ts';
import { ArgError } from './args.ts';
import { commonConfig, commonFlags, fmtBytes, fmtNum, formatCounts, onInterrupt, sleep } from './cli-common.ts';
import { createGenerator } from './generate.ts';
import { saltTraceIds, traceIdOffsets } from './pool.ts';
import { countSpans, encodeBody, gzip, sendEncoded, tracesUrl, type EncodedRequest } from './send.ts';

export const loadFlags = {
  ...commonFlags,
  rate: { type: 'number', min: 0, meta: 'N', help: 'target spans per second (default 0 = as fast as possible)' },
  concurrency: { type: 'int', min: 1, max: 1024, meta: 'N', help: 'concurrent senders (default 4)' },
  'batch-spans': { type: 'int', min: 1, max: 1_000_000, meta: 'N', help: 'spans per request (default 8192)' },
  duration: { type: 'number', min: 0.1, meta: 'S', help: 'run for S seconds (default 30 unless --requests)' },
  requests: { type: 'int', min: 1, meta: 'N', help: 'send N requests, then stop' },
  pool: { type: 'int', min: 1, max: 10_000, meta: 'N', help: 'pre-encoded bodies to cycle through (default: up to 16, 64 with gzip, within 512 MiB)' },
  'unique-ids': { type: 'boolean', help: 're-salt trace ids per request so no span repeats (default on; not possible with --gzip)' },
  'progress-s': { type: 'number', min: 0.5, meta: 'S', help: 'seconds between progress lines (default 5)' },
} as const satisfies Record<string, FlagSpec>;

export const loadUsage = `Usage: npm run loadgen -- [options]
Benchmarks OTLP ingest: pre-encodes a pool of request bodies, then sends them from N concurrent
senders. Progress and the summary go to stderr; the last line on stdout is a JSON summary.`;

interface PoolEntry {
  req: EncodedRequest;
  offsets: Int32Array | undefined;
}

const MAX_POOL_BYTES = 512 * 1024 * 1024;

/** Runs load mode; resolves with the process exit code. */
export async function runLoad(f: Record<string, FlagValue>): Promise<number> {
  if (f.duration !== undefined && f.requests !== undefined) throw new ArgError('use either --duration or --requests, not both');
  const common = commonConfig(f, 1);
  const rate = (f.rate as number | undefined) ?? 0;
  const concurrency = (f.concurrency as number | undefined) ?? 4;
  const batchSpans = (f['batch-spans'] as number | undefined) ?? 8192;
  const maxRequests = (f.requests as number | undefined) ?? Infinity;
  const durationMs = f.requests !== undefined ? Infinity : ((f.duration as number | undefined) ?? 30) * 1000;
  const progressMs = ((f['progress-s'] as number | undefined) ?? 5) * 1000;
  const wantUnique = (f['unique-ids'] as boolean | undefined) ?? true;
  const unique = wantUnique && !common.gzip;
  const log = (s: string): void => void process.stderr.write(`${s}\n`);

  // --- pool, built before the clock starts
  const gen = createGenerator(common.generator);
  log(`load: generating and encoding the request pool (seed ${common.generator.seed})...`);
  const t0Pool = performance.now();
  const pool: PoolEntry[] = [];
  let poolSize = (f.pool as number | undefined) ?? 0;
  const defaultPool = common.gzip ? 64 : 16;
  while (pool.length < (poolSize || defaultPool)) {
    const td = gen.batch({ spans: batchSpans, splitTraces: true });
    const raw = encodeBody(td, common.format);
    const body = common.gzip ? await gzip(raw) : raw;
    pool.push({
      req: {
        body,
        contentType: common.format === 'json' ? 'application/json' : 'application/x-protobuf',
        contentEncoding: common.gzip ? 'gzip' : undefined,
        spans: countSpans(td),
        rawBytes: raw.length,
      },
      offsets: unique ? traceIdOffsets(raw, common.format) : undefined,
    });
    if (!poolSize) {
      const byMemory = Math.max(1, Math.floor(MAX_POOL_BYTES / body.length));
      poolSize = Math.min(defaultPool, byMemory, Number.isFinite(maxRequests) ? maxRequests : Infinity);
    }
  }
  const poolBytes = pool.reduce((n, p) => n + p.req.body.length, 0);
  const avgBody = poolBytes / pool.length;
  const avgRaw = pool.reduce((n, p) => n + p.req.rawBytes, 0) / pool.length;
  log(
    `load: pool of ${pool.length} bodies x ${batchSpans} spans built in ${((performance.now() - t0Pool) / 1000).toFixed(1)}s: ` +
      `${fmtBytes(avgBody)} each (${common.format}${common.gzip ? `, gzip from ${fmtBytes(avgRaw)}` : ''}), ${fmtNum(avgRaw / batchSpans)} B/span raw`,
  );
  if (!unique && wantUnique && maxRequests > pool.length) log(`load: note: gzip bodies cannot be re-salted; after ${pool.length} requests span ids repeat (the server sees retries)`);
  log(
    `load: ${tracesUrl(common.url)}, ${concurrency} senders, ${rate > 0 ? `${fmtNum(rate)} spans/s` : 'as fast as possible'}, ` +
      `${Number.isFinite(maxRequests) ? `${maxRequests} requests` : `${durationMs / 1000}s`}`,
  );

  // --- timed part
  const stopper = new AbortController();
  const off = onInterrupt(() => stopper.abort());
  const status: Record<string, number> = {};
  const errors = new Map<string, number>();
  const latencies: number[] = [];
  let started = 0;
  let done = 0;
  let spansSent = 0;
  let spansAcked = 0;
  let bytesSent = 0;
  let rejected = 0;
  const t0 = performance.now();
  let nextSlot = t0;
  const interval = rate > 0 ? (batchSpans / rate) * 1000 : 0;
  let lastProgress = t0;
  let lastAcked = 0;
  let lastDone = 0;

  const progress = setInterval(() => {
    const now = performance.now();
    const secs = (now - lastProgress) / 1000;
    log(
      `load: ${Math.round((now - t0) / 1000)}s  acked spans/s ${fmtNum((spansAcked - lastAcked) / secs)}  req/s ${((done - lastDone) / secs).toFixed(1)}  ` +
        `http ${formatCounts(status)}  in flight ${started - done}`,
    );
    lastProgress = now;
    lastAcked = spansAcked;
    lastDone = done;
  }, progressMs);

  const sender = async (worker: number): Promise<void> => {
    const scratch = unique ? new Uint8Array(Math.max(...pool.map((p) => p.req.body.length))) : undefined;
    for (;;) {
      if (stopper.signal.aborted || started >= maxRequests) return;
      if (interval > 0) {
        const at = nextSlot;
        nextSlot += interval;
        await sleep(at - performance.now(), stopper.signal);
      }
      if (stopper.signal.aborted || started >= maxRequests || performance.now() - t0 >= durationMs) return;
      const i = started++;
      const entry = pool[i % pool.length];
      let req = entry.req;
      if (entry.offsets && scratch) {
        // one salt per pass over the pool: a trace split across neighbouring bodies stays whole
        const cycle = Math.floor(i / pool.length);
        const salt = cycle === 0 ? 0 : saltFor(cycle);
        const body = saltTraceIds(entry.req.body, entry.offsets, common.format, salt, scratch.subarray(0, entry.req.body.length));
        req = { ...entry.req, body };
      }
      const res = await sendEncoded(req, { url: common.url, tenant: common.tenant, timeoutMs: common.timeoutMs });
      done++;
      const key = res.status === 0 ? 'ERR' : String(res.status);
      status[key] = (status[key] ?? 0) + 1;
      spansSent += req.spans;
      bytesSent += req.body.length;
      spansAcked += res.acceptedSpans;
      rejected += res.ok ? req.spans - res.acceptedSpans : 0;
      latencies.push(res.durationMs);
      if (!res.ok) {
        const msg = `${key} ${res.error ?? ''}`.slice(0, 200);
        errors.set(msg, (errors.get(msg) ?? 0) + 1);
        if (res.status === 0 && done === 1) log(`load: first request failed: ${res.error} (worker ${worker})`);
        if (res.status === 429 || res.status === 503) await sleep(Math.min(res.retryAfterSeconds ?? 1, 5) * 1000, stopper.signal);
      }
    }
  };
  const deadline = Number.isFinite(durationMs) ? setTimeout(() => stopper.abort(), durationMs) : undefined;
  await Promise.all(Array.from({ length: concurrency }, (_, w) => sender(w)));
  const elapsed = (performance.now() - t0) / 1000;
  clearInterval(progress);
  if (deadline) clearTimeout(deadline);
  off();

  latencies.sort((a, b) => a - b);
  const q = (p: number): number => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10 : 0);
  const summary = {
    mode: 'load',
    url: tracesUrl(common.url),
    format: common.format,
    gzip: common.gzip,
    concurrency,
    batchSpans,
    targetSpansPerSec: rate,
    uniqueIds: unique,
    seed: common.generator.seed,
    requests: done,
    durationS: Math.round(elapsed * 1000) / 1000,
    spansSent,
    spansAcked,
    spansRejected: rejected,
    ackedSpansPerSec: Math.round(spansAcked / elapsed),
    requestsPerSec: Math.round((done / elapsed) * 100) / 100,
    bytesSent,
    rawBytesPerSpan: Math.round(avgRaw / batchSpans),
    status,
    latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1) },
    errors: Object.fromEntries([...errors].sort((a, b) => b[1] - a[1]).slice(0, 5)),
  };
  log(
    `load: done in ${elapsed.toFixed(1)}s: ${done} requests, ${fmtNum(spansAcked)} spans acknowledged = ${fmtNum(summary.ackedSpansPerSec)} spans/s, ` +
      `${fmtBytes(bytesSent / Math.max(elapsed, 0.001))}/s sent; http ${formatCounts(status)}; latency p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms`,
  );
  for (const [msg, n] of errors) log(`load:   ${n} x ${msg}`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return spansAcked > 0 ? 0 : 1;
}

/** A non-zero 32-bit salt per pass over the pool. */
function saltFor(i: number): number {
  let h = (i + 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 1 : h;
}
