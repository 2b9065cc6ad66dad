// `npm run test:faults`: 10 concurrent OTLP senders for a fixed time while the API process is
// killed with SIGKILL and restarted, and while Postgres crashes (immediate shutdown) and comes
// back. Senders retry unacknowledged batches as the OpenTelemetry SDK does. At the end every
// acknowledged span must be stored exactly once; prints acknowledged, stored, duplicated and lost.
//
//   npm run test:faults -- [--seconds 60] [--senders 10]
// Postgres here is a private cluster on its own port (initdb in a temp dir), so crashing it
// disturbs nothing else on the machine.
import { type ChildProcess, spawn } from 'node:child_process';
import postgres from 'postgres';
import { countSpans, createGenerator, encodeRequest, sendEncoded } from '@tracegres/loadgen';
import { freePort, num, parseArgs } from './bench-support.ts';
import { startPrivatePostgres } from './faults/private-postgres.ts';

const args = parseArgs(process.argv.slice(2));
const SECONDS = num(args, 'seconds', 60);
const SENDERS = num(args, 'senders', 10);
const root = new URL('..', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<number> {
  const pg = startPrivatePostgres(await freePort());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let api: ChildProcess | undefined;
  const startApi = async () => {
    api = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/main.node.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: pg.url, PORT: String(port), OTLP_HTTP_PORT: '0', OTLP_GRPC_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', COMPACTION_INTERVAL: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${url}/ready`)).ok) return;
      } catch {}
      await sleep(100);
    }
    throw new Error('the API did not become ready');
  };
  const acked = new Set<string>();
  const counts = { batches: 0, retries: 0, statuses: new Map<number, number>() };
  try {
    await startApi();
    const deadline = Date.now() + SECONDS * 1000;
    const sender = async (i: number) => {
      const gen = createGenerator({ seed: 1000 + i, startTimeNs: BigInt(Date.now() - 60_000) * 1_000_000n, tracesPerSecond: 50 });
      while (Date.now() < deadline) {
        const td = gen.batch({ spans: 200 });
        const ids: string[] = [];
        for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) ids.push(`${s.traceId}/${s.spanId}`);
        const body = await encodeRequest(td, { format: 'protobuf', gzip: true });
        counts.batches++;
        // Retry the same bytes until acknowledged (or long after the run ends): idempotent by design.
        for (let attempt = 0; Date.now() < deadline + 60_000; attempt++) {
          const r = await sendEncoded(body, { url, timeoutMs: 10_000 });
          counts.statuses.set(r.status, (counts.statuses.get(r.status) ?? 0) + 1);
          if (r.ok && r.acceptedSpans === countSpans(td)) {
            for (const id of ids) acked.add(id);
            break;
          }
          if (r.ok) throw new Error(`partial success: ${JSON.stringify(r.partialSuccess)}`);
          counts.retries++;
          await sleep(Math.min(2000, (r.retryAfterSeconds ?? 0.2) * 1000));
        }
      }
    };
    const chaos = (async () => {
      await sleep(SECONDS * 300);
      console.log(`  ${new Date().toISOString()} SIGKILL the API process (${acked.size} spans acknowledged so far)`);
      api!.kill('SIGKILL');
      await sleep(500);
      await startApi();
      console.log(`  ${new Date().toISOString()} API restarted`);
      await sleep(SECONDS * 300);
      console.log(`  ${new Date().toISOString()} Postgres crash (immediate shutdown), down 2 s (${acked.size} spans acknowledged so far)`);
      await pg.crashAndRestart(2000);
      console.log(`  ${new Date().toISOString()} Postgres back`);
    })();
    await Promise.all([chaos, ...Array.from({ length: SENDERS }, (_, i) => sender(i))]);

    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    const rows = await sql<{ id: string; n: number }[]>`
      select replace(trace_id::text, '-', '') || '/' || encode(span_id, 'hex') as id, count(*)::int as n from spans group by 1`;
    await sql.end();
    const stored = new Map(rows.map((r) => [r.id, r.n]));
    let lost = 0;
    let duplicated = 0;
    for (const id of acked) {
      const n = stored.get(id) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicated++;
    }
    const storedAcked = [...acked].filter((id) => stored.has(id)).length;
    const statuses = [...counts.statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s || 'no answer'}: ${n}`).join(', ');
    console.log(`\n${SENDERS} senders, ${SECONDS} s, ${counts.batches} batches, ${counts.retries} retries (responses ${statuses})`);
    console.log(`acknowledged: ${acked.size}`);
    console.log(`stored:       ${storedAcked} of the acknowledged (${rows.length} spans in the table)`);
    console.log(`duplicated:   ${duplicated}`);
    console.log(`lost:         ${lost}`);
    return lost === 0 && duplicated === 0 && acked.size > 0 ? 0 : 1;
  } finally {
    api?.kill('SIGKILL');
    pg.stop();
  }
}

process.exit(await main());
