// `npm run test:runtimes`: the ingest-and-fetch contract suite (tests/contract/contract.ts) against
// a real server process under each runtime and storage. For each pair it creates a fresh database
// (or an empty DATA_DIR for PGlite), starts the runtime's entry file on a free port, waits for
// /ready, runs the suite with TRACEGRES_URL, then sends SIGTERM while an OTLP export is still
// arriving and expects that export to be answered 200 and the process to exit with code 0.
//
//   RUNTIMES=bun,deno   runtimes to test (default node,bun,deno)
//   STORAGES=pglite     storages to test (default postgres,pglite)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerDatabase } from '../tests/support/databases.ts';
import { encodeRequestProto, everyFieldRequest } from '../tests/support/payloads.ts';
import { type Proc, freePort, sleep, start as startIn, waitReady as waitReadyWithin, within } from './processes.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = (name: string) => join(root, 'node_modules/.bin', name);

/**
 * The real Deno executable. node_modules/.bin/deno is a Node shim that runs Deno with
 * spawnSync and does not forward signals, so a SIGTERM sent to it would never reach the server.
 */
function denoBinary(): string {
  const candidates = [join(root, 'node_modules/deno/deno')];
  const scoped = join(root, 'node_modules/@deno');
  if (existsSync(scoped)) for (const d of readdirSync(scoped)) candidates.push(join(scoped, d, 'deno'));
  return candidates.find((c) => existsSync(c)) ?? bin('deno');
}

const entries = {
  node: [process.execPath, '--import', 'tsx', 'apps/api/src/main.node.ts'],
  bun: [bin('bun'), 'apps/api/src/main.bun.ts'],
  deno: [denoBinary(), 'run', '-A', 'apps/api/src/main.deno.ts'],
} as const;
type Runtime = keyof typeof entries;
const storages = ['postgres', 'pglite'] as const;
type Storage = (typeof storages)[number];

// A first PGlite start creates its database (about 10 s on a quiet 2-core machine, three times that under load).
const READY_TIMEOUT_MS = 60_000;
const CONTRACT_TIMEOUT_MS = 120_000;
const SHUTDOWN_TIMEOUT_MS = 5_000;

function pick<T extends string>(envName: string, all: readonly T[]): T[] {
  const raw = process.env[envName]?.trim();
  if (!raw) return [...all];
  const chosen = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = chosen.filter((c) => !all.includes(c as T));
  if (unknown.length) {
    console.error(`${envName}: unknown ${unknown.join(', ')} (choose from ${all.join(', ')})`);
    process.exit(2);
  }
  return chosen as T[];
}

const start = (argv: readonly string[], env: NodeJS.ProcessEnv) => startIn(argv, env, root);
const waitReady = (url: string, server: Proc) => waitReadyWithin(url, server, READY_TIMEOUT_MS);

/**
 * Starts an OTLP export whose body is still arriving, so that it is in flight when SIGTERM
 * lands; `finish` sends the rest and returns the status (a graceful shutdown answers it).
 */
async function startSlowExport(url: string): Promise<{ finish: () => Promise<string> }> {
  const body = encodeRequestProto(everyFieldRequest(randomBytes(16).toString('hex'), Math.floor(Date.now() / 1000) - 60));
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (ctl = c) });
  const res = fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: stream,
    duplex: 'half',
  } as RequestInit).then(
    async (r) => `${r.status}${r.status === 200 ? '' : ` ${await r.text()}`}`,
    (err) => `failed: ${(err as Error).cause ?? err}`,
  );
  ctl.enqueue(body.subarray(0, 16));
  await sleep(300);
  return {
    async finish() {
      ctl.enqueue(body.subarray(16));
      ctl.close();
      const got = await within(res, SHUTDOWN_TIMEOUT_MS);
      return got === 'timeout' ? 'no answer' : got;
    },
  };
}

interface Result {
  runtime: Runtime;
  storage: Storage;
  ok: boolean;
  seconds: number;
  note: string;
}

async function runOne(runtime: Runtime, storage: Storage): Promise<Result> {
  const label = `${runtime}/${storage}`;
  const t0 = performance.now();
  const problems: string[] = [];
  let tests = '';
  const laps: string[] = [];
  let lapStart = t0;
  const lap = (what: string) => {
    const now = performance.now();
    laps.push(`${what} ${((now - lapStart) / 1000).toFixed(1)}s`);
    lapStart = now;
  };
  let cleanup = async () => {};
  let server: Proc | undefined;
  const show = (title: string, text: string) => {
    if (text.trim()) console.log(`--- ${label}: ${title}\n${text.trimEnd()}\n---`);
  };
  try {
    if (!existsSync(entries[runtime][0])) throw new Error(`${entries[runtime][0]} not found (run npm ci)`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OTLP_HTTP_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
    };
    delete env.DATABASE_URL;
    delete env.DATA_DIR;
    if (storage === 'postgres') {
      const created = await createServerDatabase('tg_runtime');
      env.DATABASE_URL = created.url;
      cleanup = created.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), `tracegres-${runtime}-`));
      env.DATA_DIR = dir;
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    const port = await freePort();
    env.PORT = String(port);
    const url = `http://127.0.0.1:${port}`;
    const grpcPort = await freePort();
    env.OTLP_GRPC_PORT = String(grpcPort);
    server = start(entries[runtime], env);
    await waitReady(url, server);
    lap('start');

    const contract = start([process.execPath, '--import', 'tsx', '--test', '--test-reporter=spec', '--test-force-exit', 'tests/contract/contract.ts'], {
      ...process.env,
      TRACEGRES_URL: url,
      TRACEGRES_GRPC_URL: `127.0.0.1:${grpcPort}`,
      TRACEGRES_RUNTIME: runtime,
      NO_COLOR: '1',
    });
    const done = await within(contract.exited, CONTRACT_TIMEOUT_MS);
    if (done === 'timeout') {
      contract.child.kill('SIGKILL');
      problems.push(`contract suite still running after ${CONTRACT_TIMEOUT_MS / 1000}s`);
    } else if (done.code !== 0) {
      problems.push('contract suite failed');
    }
    const counts = /ℹ pass (\d+)[\s\S]*?ℹ fail (\d+)/.exec(contract.out());
    tests = counts ? `${counts[1]} tests passed, ${counts[2]} failed` : 'no test counts';
    lap('contract');
    if (problems.length) show('contract output', contract.out() + contract.err());

    // Clean shutdown: SIGTERM lets in-flight requests finish, closes the database, exits 0.
    const inflight = await startSlowExport(url);
    server.child.kill('SIGTERM');
    await sleep(100);
    const answer = await inflight.finish();
    if (answer !== '200') problems.push(`an export in flight at SIGTERM was not answered 200 (${answer})`);
    const stopped = await within(server.exited, SHUTDOWN_TIMEOUT_MS);
    if (stopped === 'timeout') {
      server.child.kill('SIGKILL');
      problems.push(`still running ${SHUTDOWN_TIMEOUT_MS / 1000}s after SIGTERM`);
    } else if (stopped.code !== 0) {
      problems.push(`exit code ${stopped.code}${stopped.signal ? ` (signal ${stopped.signal})` : ''} after SIGTERM, expected 0`);
    }
    lap('stop');
  } catch (err) {
    problems.push((err as Error).message);
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await cleanup().catch((err) => problems.push(`cleanup failed: ${(err as Error).message}`));
  }
  if (server) show(problems.length ? 'server output' : 'server stderr (LOG_LEVEL=warn)', server.out() + server.err());
  const ok = problems.length === 0;
  const note = [...problems, tests, laps.join(', ')].filter(Boolean).join('; ');
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds.toFixed(1)}s) ${note}`);
  return { runtime, storage, ok, seconds, note };
}

const runtimes = pick<Runtime>('RUNTIMES', Object.keys(entries) as Runtime[]);
const chosenStorages = pick<Storage>('STORAGES', storages);
const t0 = performance.now();
const results: Result[] = [];
for (const runtime of runtimes) {
  for (const storage of chosenStorages) results.push(await runOne(runtime, storage));
}

const rows = [
  ['runtime', 'storage', 'result', 'seconds'],
  ...results.map((r) => [r.runtime, r.storage, r.ok ? 'pass' : 'FAIL', r.seconds.toFixed(1)]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log();
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
for (const r of results.filter((x) => !x.ok)) console.log(`${r.runtime}/${r.storage}: ${r.note}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)}s`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
