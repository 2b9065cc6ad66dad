// `npm run test:faults`: 10 concurrent OTLP senders for a fixed time while the API process is
// killed with SIGKILL and restarted, and while Postgres crashes (immediate shutdown) and comes
// back, twice. Senders behave like OpenTelemetry exporters (request timeout, retry with backoff
// for a time budget). The run fails unless every batch ends acknowledged (none pending, none given
// up), the server takes a fresh batch after the last fault, and every acknowledged span is stored
// exactly once. Prints acknowledged, stored, duplicated and lost.
//
//   npm run test:faults -- [--seconds 60] [--senders 10] [--budget 60] [--timeout 10]
// Postgres here is a private cluster on its own port (initdb in a temp dir), so crashing it
// disturbs nothing else on the machine.
import { type ChildProcess, spawn } from 'node:child_process';
import { createGenerator, createRng, encodeRequest } from '@tracegres/loadgen';
import type { TracesData } from '@tracegres/otlp';
import { freePort, num, parseArgs } from './bench-support.ts';
import { auditSpans, describeConnections } from './faults/audit.ts';
import { AttemptLog, type BatchOutcome, type ExportPolicy, exportBatch, splitExports } from './faults/exporter.ts';
import { startPrivatePostgres } from './faults/private-postgres.ts';

const args = parseArgs(process.argv.slice(2));
const SECONDS = num(args, 'seconds', 60);
const SENDERS = num(args, 'senders', 10);
const BUDGET_S = num(args, 'budget', 60);
const TIMEOUT_S = num(args, 'timeout', 10);
/** Batches the server must acknowledge between two faults (and after the last one). */
const MIN_ACKED_BETWEEN = 5;
/** Spans per export at most (the OpenTelemetry SDK's batch processor sends 512). */
const MAX_EXPORT_SPANS = 512;
const root = new URL('..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stamp = () => new Date().toISOString().slice(11, 23);

async function main(): Promise<number> {
  let api: ChildProcess | undefined;
  const pg = startPrivatePostgres(await freePort());
  // An interrupted run must not leave its cluster and server behind.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      api?.kill('SIGKILL');
      pg.stop();
      process.exit(130);
    });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let apiExits = 0;
  const startApi = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.node.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: pg.url, PORT: String(port), OTLP_HTTP_PORT: '0', OTLP_GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', COMPACTION_INTERVAL: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        apiExits++;
        console.log(`  ${stamp()} the API process exited by itself (code ${code}, signal ${signal})`);
      }
    });
    api = child;
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${url}/ready`)).ok) return;
      } catch {}
      await sleep(100);
    }
    throw new Error('the API did not become ready');
  };

  const policy: ExportPolicy = { url, timeoutMs: TIMEOUT_S * 1000, budgetMs: BUDGET_S * 1000, initialBackoffMs: 500, maxBackoffMs: 5000 };
  const log = new AttemptLog();
  const acked = new Set<string>();
  const pending = new Set<number>();
  const failures: string[] = [];
  let batches = 0;
  let slowestAckMs = 0;
  try {
    await startApi();
    const start = Date.now();
    const deadline = start + SECONDS * 1000;
    let sending = true;
    let ackedBatches = 0;
    const sender = async (i: number) => {
      const gen = createGenerator({ seed: 1000 + i, startTimeNs: BigInt(Date.now() - 60_000) * 1_000_000n, tracesPerSecond: 50 });
      const rng = createRng(7000 + i);
      const queue: TracesData[] = [];
      while (sending) {
        if (queue.length === 0) queue.push(...splitExports(gen.batch({ spans: 200 }), MAX_EXPORT_SPANS));
        const td = queue.shift()!;
        const ids: string[] = [];
        for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) ids.push(`${s.traceId}/${s.spanId}`);
        const req = await encodeRequest(td, { format: 'protobuf', gzip: true });
        const n = batches++;
        pending.add(n);
        // The same bytes on every attempt: retries are idempotent by design.
        const out: BatchOutcome = await exportBatch(req, policy, log, () => rng.float());
        pending.delete(n);
        if (out.kind === 'acknowledged') {
          for (const id of ids) acked.add(id);
          ackedBatches++;
          slowestAckMs = Math.max(slowestAckMs, out.ms);
        } else {
          failures.push(`batch ${n} (sender ${i}) failed after ${Math.round(out.ms)} ms: ${out.reason}`);
        }
      }
    };
    // Each fault strikes at its share of the run, but only once the server has acknowledged a few
    // batches since the previous one: on a busy machine a restart can take most of a short run,
    // and a fault on a server that never recovered from the last one would test nothing.
    const afterProgress = async (atMs: number, since: number, what: string) => {
      while (Date.now() < atMs || ackedBatches < since + MIN_ACKED_BETWEEN) {
        if (Date.now() > atMs + 60_000) {
          failures.push(`fewer than ${MIN_ACKED_BETWEEN} batches acknowledged in the 60 s before ${what}`);
          return;
        }
        await sleep(100);
      }
    };
    const faults = [
      { at: 0.25, what: 'SIGKILL the API process', run: async () => (api!.kill('SIGKILL'), await sleep(500), await startApi()) },
      { at: 0.5, what: 'Postgres crash (immediate shutdown), down 2 s', run: () => pg.crashAndRestart(2000) },
      { at: 0.75, what: 'Postgres crash (immediate shutdown), down 2 s', run: () => pg.crashAndRestart(2000) },
    ];
    const senders = Promise.all(Array.from({ length: SENDERS }, (_, i) => sender(i)));
    const chaos = (async () => {
      let mark = 0;
      for (const f of faults) {
        await afterProgress(start + SECONDS * 1000 * f.at, mark, f.what);
        console.log(`  ${stamp()} ${f.what} (${acked.size} spans acknowledged so far)`);
        await f.run();
        console.log(`  ${stamp()} back up`);
        mark = ackedBatches;
      }
      await afterProgress(deadline, mark, 'the end of the run');
      sending = false;
    })();
    await chaos;
    const ranS = Math.round((Date.now() - start) / 1000);
    // Every batch must settle: a request cannot outlive its timeout nor a batch its budget.
    const bound = policy.budgetMs + policy.timeoutMs + 10_000;
    const settled = await Promise.race([
      senders.then(() => true),
      sleep(bound).then(() => false),
    ]);
    if (!settled) failures.push(`${pending.size} batches still pending ${Math.round(bound / 1000)} s after the senders stopped (requests hang)`);

    // After the last fault the server must take new data promptly.
    const probe = await exportBatch(
      await encodeRequest(createGenerator({ seed: 1, startTimeNs: BigInt(Date.now() - 1000) * 1_000_000n }).batch({ spans: 10 }), { format: 'protobuf' }),
      { ...policy, budgetMs: 15_000 },
      new AttemptLog(),
      Math.random,
    );
    if (probe.kind !== 'acknowledged') failures.push(`a fresh batch after the faults was not acknowledged: ${probe.reason}`);
    if (apiExits) failures.push(`the API process exited ${apiExits} time(s) on its own`);
    if (failures.length) console.log(`\nconnections of the API:\n${await describeConnections(pg.url)}`);

    const audit = await auditSpans(pg.url, acked);
    console.log(`\n${SENDERS} senders for ${ranS} s (asked ${SECONDS} s), ${batches} batches (attempts: ${log.summary()})`);
    console.log(`slowest attempt ${Math.round(log.slowestMs)} ms, slowest acknowledgement ${Math.round(slowestAckMs)} ms (timeout ${TIMEOUT_S} s, budget ${BUDGET_S} s)`);
    console.log(`unsettled:    ${pending.size} batches; given up: ${failures.filter((f) => f.startsWith('batch')).length}`);
    console.log(`acknowledged: ${audit.acknowledged}`);
    console.log(`stored:       ${audit.stored} of the acknowledged (${audit.rows} rows in spans)`);
    console.log(`duplicated:   ${audit.duplicated}`);
    console.log(`lost:         ${audit.lost}`);
    for (const f of failures.slice(0, 20)) console.log(`FAIL ${f}`);
    const ok = failures.length === 0 && audit.lost === 0 && audit.duplicated === 0 && audit.acknowledged > 0;
    console.log(ok ? 'fault run passed' : 'fault run FAILED');
    return ok ? 0 : 1;
  } finally {
    api?.kill('SIGKILL');
    pg.stop();
  }
}

process.exit(await main());
