// Child processes for the scripts that start a server and test it over HTTP
// (test-runtimes.ts, test-edge.ts): a free port, a process whose output is kept, readiness.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => 'timeout' as const)]);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** A child process whose output is kept (the last 64 KiB of each stream). */
export interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `argv` in `cwd`. `group` puts it in a process group of its own, so that `stopGroup` also
 * ends what it started (wrangler runs workerd as a child).
 */
export function start(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, group = false): Proc {
  const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  const keep = (stream: NodeJS.ReadableStream | null) => {
    let text = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (d: string) => {
      text = (text + d).slice(-65_536);
    });
    return () => text;
  };
  const out = keep(child.stdout);
  const stderr = keep(child.stderr);
  let spawnError = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (e) => {
      spawnError = `could not start ${argv[0]}: ${e.message}\n`;
      resolve({ code: null, signal: null });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, out, err: () => spawnError + stderr(), exited };
}

/** Sends `signal` to a process started with `group`, and to everything it started. */
export function stopGroup(p: Proc, signal: NodeJS.Signals): void {
  if (p.child.pid === undefined) return;
  try {
    process.kill(-p.child.pid, signal);
  } catch {
    // already gone
  }
}

/** Waits until GET `${url}/ready` answers 200, failing early if the server exits. */
export async function waitReady(url: string, server: Proc, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void server.exited.then((e) => (exited = e));
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited (code ${exited.code}, signal ${exited.signal}) before /ready`);
    try {
      const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${(await res.text()).trim()}`;
      if (res.status === 200) return;
    } catch (err) {
      last = String((err as Error).cause ?? err);
    }
    await sleep(100);
  }
  throw new Error(`/ready did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
}
