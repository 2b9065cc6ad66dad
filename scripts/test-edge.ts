// `npm run test:edge`: the Worker build on workerd. Starts `wrangler dev` (fully local: no login,
// no telemetry) against a fresh database on the real Postgres server, runs the runtime contract
// suite (tests/contract/contract.ts, the same file Node, Bun and Deno run) against it, then fires
// the Cron Trigger once through wrangler's /__scheduled and checks that compaction ran: quiet
// traces numbered, rollups written and served on /metrics/generator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { createServerDatabase } from '../tests/support/databases.ts';
import { type Proc, freePort, start, stopGroup, waitReady, within } from './processes.ts';

const root = new URL('..', import.meta.url).pathname;
// First start builds the Worker (and the web UI when it was never built).
const READY_TIMEOUT_MS = 180_000;
const CONTRACT_TIMEOUT_MS = 180_000;

const t0 = performance.now();
const results: { name: string; ok: boolean; note: string }[] = [];
const record = (name: string, ok: boolean, note = '') => {
  results.push({ name, ok, note });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${note ? ` (${note})` : ''}`);
};

const database = await createServerDatabase('tg_edge');
const state = mkdtempSync(join(tmpdir(), 'tracegres-wrangler-'));
let wrangler: Proc | undefined;
try {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // No account and no Cloudflare network: telemetry off, no Request.cf download (its version
    // check asks only the npm registry).
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    NO_COLOR: '1',
    CI: 'true',
  };
  delete env.CLOUDFLARE_API_TOKEN;
  wrangler = start(
    [
      join(root, 'node_modules/.bin/wrangler'), 'dev', '--local',
      '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()),
      '--persist-to', state, '--test-scheduled', '--show-interactive-dev-session=false', '--log-level', 'warn',
      '--var', `DATABASE_URL:${database.url}`,
      // Traces count as quiet at once, so one cron run numbers what the contract sent.
      '--var', 'COMPACTION_QUIET:0s', '--var', 'LOG_LEVEL:warn',
    ],
    env,
    root,
    true,
  );
  await waitReady(url, wrangler, READY_TIMEOUT_MS);
  record('wrangler dev ready', true, `${((performance.now() - t0) / 1000).toFixed(1)}s`);

  const contract = start(
    [process.execPath, '--import', 'tsx', '--test', '--test-reporter=spec', '--test-force-exit', 'tests/contract/contract.ts'],
    { ...process.env, TRACEGRES_URL: url, TRACEGRES_RUNTIME: 'workerd', TRACEGRES_GRPC_URL: '', NO_COLOR: '1' },
    root,
  );
  const done = await within(contract.exited, CONTRACT_TIMEOUT_MS);
  if (done === 'timeout') contract.child.kill('SIGKILL');
  const counts = /ℹ pass (\d+)[\s\S]*?ℹ fail (\d+)/.exec(contract.out());
  const contractOk = done !== 'timeout' && done.code === 0;
  if (!contractOk) console.log(`--- contract output\n${(contract.out() + contract.err()).trimEnd()}\n---`);
  record('contract suite on workerd', contractOk, counts ? `${counts[1]} passed, ${counts[2]} failed` : 'no test counts');

  record(...(await checkScheduled(url, database.url)));
} catch (err) {
  record('edge test run', false, (err as Error).message);
} finally {
  if (wrangler) {
    stopGroup(wrangler, 'SIGTERM');
    if ((await within(wrangler.exited, 5_000)) === 'timeout') stopGroup(wrangler, 'SIGKILL');
    if (results.some((r) => !r.ok)) console.log(`--- wrangler output\n${(wrangler.out() + wrangler.err()).trimEnd()}\n---`);
  }
  rmSync(state, { recursive: true, force: true });
  await database.drop().catch((err) => record('drop test database', false, (err as Error).message));
}

/** Fires the Cron Trigger once and checks what the compaction job leaves behind. */
async function checkScheduled(url: string, dbUrl: string): Promise<[string, boolean, string]> {
  const name = 'scheduled handler runs compaction';
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const pending = async () => Number((await sql`select count(*)::int as n from traces where not compacted`)[0].n);
    const before = await pending();
    if (before === 0) return [name, false, 'the contract suite left no trace to compact'];
    const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    const text = await res.text();
    if (res.status !== 200) return [name, false, `/__scheduled answered ${res.status}: ${text.slice(0, 200)}`];
    const after = await pending();
    const [numbered] = await sql`select count(*)::int as n from traces where compacted`;
    const steps = (await sql`select step from maintenance_state order by step`).map((r) => r.step as string);
    const generator = await (await fetch(`${url}/metrics/generator`)).text();
    const problems = [
      after !== 0 && `${after} of ${before} traces still not compacted`,
      Number(numbered.n) === 0 && 'no trace marked compacted',
      steps.length === 0 && 'no maintenance watermark written',
      !/^traces_spanmetrics_calls_total\{/m.test(generator) && '/metrics/generator shows no span-metric rollups',
    ].filter(Boolean);
    return [name, problems.length === 0, problems.length ? problems.join('; ') : `${before} traces numbered, watermarks: ${steps.join(', ')}`];
  } finally {
    await sql.end();
  }
}

const failed = results.filter((r) => !r.ok).length;
console.log(`\nedge: total ${((performance.now() - t0) / 1000).toFixed(1)}s`);
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
