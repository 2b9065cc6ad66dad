// Shared by the benchmark scripts: arguments and a Tracegres server process. Fresh databases come
// from tests/support/databases.ts (createServerDatabase), as for the tests.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createGenerator, encodeRequest, sendEncoded } from '@tracegres/loadgen';

const root = new URL('..', import.meta.url).pathname;

/** `--name value` pairs. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
    i++;
  }
  return out;
}
/** A positive integer flag with a default; a clear error naming the flag otherwise. */
export function num(args: Record<string, string>, name: string, def: number): number {
  const v = args[name] === undefined ? def : Number(args[name]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, got ${args[name]}`);
  return v;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts `node apps/api/src/main.node.ts` on the database and waits for /ready. */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', 'apps/api/src/main.node.ts'], {
    cwd: root,
    // Benchmarks measure what the server can take: the per-tenant ingest rate limit is off.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), OTLP_HTTP_PORT: '0', OTLP_GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', INGEST_RATE_LIMIT_BYTES: '0', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function peakRssMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}


/**
 * Sends `spans` generated spans (about 20 per trace, seeded, so every run loads the same data)
 * spread over [fromMs, toMs) to a running server through OTLP/HTTP protobuf with gzip.
 */
export async function loadGenerated(
  url: string,
  opts: { spans: number; senders: number; fromMs: number; toMs: number; seed?: number },
): Promise<{ ms: number }> {
  const seconds = Math.max(1, (opts.toMs - opts.fromMs) / 1000);
  // Spread the traces over the whole interval, up to its end (searches start from the newest
  // minute): the trace rate comes from the generator's measured mean trace size.
  const sample = createGenerator({ seed: (opts.seed ?? 42) + 1, startTimeNs: 0n });
  let sampled = 0;
  for (let i = 0; i < 2000; i++) for (const rs of sample.nextTrace().resourceSpans) for (const ss of rs.scopeSpans) sampled += ss.spans.length;
  const gen = createGenerator({ seed: opts.seed ?? 42, startTimeNs: BigInt(opts.fromMs) * 1_000_000n, tracesPerSecond: opts.spans / (sampled / 2000) / seconds });
  let sent = 0;
  const t0 = performance.now();
  const nextBody = () => {
    if (sent >= opts.spans) return null;
    const td = gen.batch({ spans: Math.min(8192, opts.spans - sent), splitTraces: true });
    let n = 0;
    for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
    sent += n;
    return encodeRequest(td, { format: 'protobuf', gzip: true });
  };
  await Promise.all(
    Array.from({ length: opts.senders }, async () => {
      for (let body = nextBody(); body; body = nextBody()) {
        const r = await sendEncoded(await body, { url, timeoutMs: 120_000 });
        if (r.status !== 200) throw new Error(`ingest failed: HTTP ${r.status} ${r.error ?? ''}`);
      }
    }),
  );
  return { ms: performance.now() - t0 };
}
