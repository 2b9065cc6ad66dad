// `npm run test:fuzz`: the long fuzz run against a real server process. Mutated OTLP bodies
// (protobuf, JSON, gzip, damaged gzip, mislabelled) and generated TraceQL (grammar-generated,
// mutated, token soup) through search, tag values and metrics, then SQL-injection strings in
// every read parameter. Fails on any 5xx, a request without an answer or past its timeout, or a
// server process that died. Prints counts per status and the slowest requests. The same seed
// gives the same requests; a failure prints the seed to replay it.
//
//   npm run test:fuzz -- [--seed N] [--bodies 100000] [--queries 10000] [--concurrency 16]
//                        [--pglite-bodies 5000] [--pglite-queries 500]   (0 skips the PGlite server)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerDatabase } from '../tests/support/databases.ts';
import { type FuzzPlan, fuzzCases } from '../tests/support/fuzz-cases.ts';
import { type FuzzStats, describeStats, httpSender, newStats, runCases } from '../tests/support/fuzz-run.ts';
import { injectionCases } from '../tests/support/injection.ts';
import { num, parseArgs, startServer } from './bench-support.ts';

const args = parseArgs(process.argv.slice(2));
const count = (name: string, def: number) => (args[name] === '0' ? 0 : num(args, name, def));
const seed = args.seed === undefined ? Date.now() % 1_000_000_000 : num(args, 'seed', 1);
const concurrency = num(args, 'concurrency', 16);
const phases = [
  { name: 'postgres', plan: { seed, bodies: count('bodies', 100_000), queries: count('queries', 10_000) } },
  { name: 'pglite', plan: { seed: seed + 1, bodies: count('pglite-bodies', 5000), queries: count('pglite-queries', 500) } },
].filter((p) => p.plan.bodies + p.plan.queries > 0);

/** CPU seconds a process has used (Linux), to tell a slow server from a busy machine. */
const cpuSeconds = (pid: number): number | undefined => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function runPhase(name: string, plan: FuzzPlan): Promise<FuzzStats> {
  const dataDir = name === 'pglite' ? mkdtempSync(join(tmpdir(), 'tracegres-fuzz-')) : undefined;
  const database = dataDir ? undefined : await createServerDatabase('tg_fuzz');
  const server = await startServer(database?.url ?? '', { LOG_LEVEL: 'error', ...(dataDir ? { DATA_DIR: dataDir } : {}) });
  const t0 = performance.now();
  const stats = newStats();
  try {
    if (!(await fetch(`${server.url}/ready`)).ok) throw new Error(`the ${name} server is not ready`);
    const now = Math.floor(Date.now() / 1000);
    const window: [number, number] = [now - 3600, now + 60];
    const send = httpSender(server.url);
    const progress = (s: FuzzStats) => {
      const rate = Math.round(s.requests / ((performance.now() - t0) / 1000));
      console.log(`  ${name}: ${s.requests} requests, ${rate}/s, ${s.failures.length} failures${alive(server.pid) ? '' : ', SERVER PROCESS GONE'}`);
      if (!alive(server.pid)) stats.failures.push(`the ${name} server process died after ${s.requests} requests`);
    };
    await runCases(fuzzCases(plan, window), send, { concurrency, stats, onProgress: progress, progressEvery: 10_000 });
    // Injections last, so they run against everything the fuzz stored.
    await runCases(injectionCases(window), send, { concurrency: 4, stats });
    if (!alive(server.pid)) stats.failures.push(`the ${name} server process is gone at the end`);
    else if (!(await fetch(`${server.url}/ready`)).ok) stats.failures.push(`the ${name} server is not ready at the end`);
    const s = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(server.pid);
    console.log(`\n${name}: ${plan.bodies} bodies, ${plan.queries} queries and injections in ${s.toFixed(0)} s (${Math.round(stats.requests / s)} requests/s; server CPU ${cpu?.toFixed(0) ?? '?'} s, this process ${process.cpuUsage().user / 1e6 | 0} s)`);
    console.log(describeStats(stats));
    return stats;
  } finally {
    await server.stop();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`fuzz seed ${seed} (replay with --seed ${seed}), concurrency ${concurrency}`);
let failures = 0;
for (const { name, plan } of phases) {
  console.log(`\n${name}: ${plan.bodies} mutated bodies, ${plan.queries} generated queries (seed ${plan.seed})`);
  const stats = await runPhase(name, plan);
  failures += stats.failures.length;
  for (const f of stats.failures.slice(0, 30)) console.log(`FAIL ${f}`);
}
console.log(failures ? `\nfuzz run FAILED (${failures} failures, seed ${seed})` : `\nfuzz run passed (seed ${seed})`);
process.exit(failures ? 1 : 0);
