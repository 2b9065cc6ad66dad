// `npm run bench:search`: loads generated traces (default 1,000,000 spans over the last hour)
// into a fresh database through OTLP, then times a fixed set of searches and a tag-values call
// through the HTTP API and prints p50/p99 per query.
//
//   npm run bench:search -- [--spans 1000000] [--runs 15] [--senders 8]
import { createPostgresDb } from '@tracegres/schema';
import { compactionContext } from '../apps/api/src/compaction/from-config.ts';
import { runCompaction } from '../apps/api/src/compaction/job.ts';
import { parseConfig } from '../apps/api/src/config.ts';
import { createServerDatabase } from '../tests/support/databases.ts';
import { loadGenerated, num as numArg, parseArgs, peakRssMiB, startServer } from './bench-support.ts';

const args = parseArgs(process.argv.slice(2));
const num = (name: string, def: number) => numArg(args, name, def);
const SPANS = num('spans', 1_000_000);
const RUNS = num('runs', 15);
const SENDERS = num('senders', 8);

/** The query set: service, attribute, duration range, regex, structural, count, tag values. */
const QUERIES: [string, string][] = [
  ['service equality', '{ resource.service.name = "checkout" }'],
  ['attribute equality', '{ span.http.request.method = "POST" }'],
  ['duration range', '{ duration > 100ms && duration < 500ms }'],
  ['regex on name', '{ name =~ "GET /api/.*" }'],
  ['structural >>', '{ resource.service.name = "api-gateway" } >> { status = error }'],
  ['count() > N', '{ } | count() > 20'],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn(); // warm-up, not counted
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

async function main(): Promise<void> {
  const db = await createServerDatabase('tracegres_bench');
  const server = await startServer(db.url, { COMPACTION_INTERVAL: '0' });
  try {
    const nowMs = Date.now();
    console.log(`loading ${SPANS} spans over the last hour (${SENDERS} senders)...`);
    const loaded = await loadGenerated(server.url, { spans: SPANS, senders: SENDERS, fromMs: nowMs - 55 * 60_000, toMs: nowMs });
    console.log(`  loaded in ${(loaded.ms / 1000).toFixed(1)} s`);
    // A running server's compaction job numbers traces 30 s after their last span (structural
    // queries then use nested-set ranges); loading is over, so one pass now reaches that state.
    // Autovacuum would analyze the new partitions eventually; do it now so plans are realistic.
    const jobDb = createPostgresDb(db.url, { max: 2 });
    const job = await runCompaction(await compactionContext(parseConfig({ DATABASE_URL: db.url, COMPACTION_QUIET: '0s' }), jobDb, Date.now));
    console.log(`  compaction pass: ${job.tracesNumbered} traces numbered in ${(job.ms / 1000).toFixed(1)} s`);
    // Loading and the pass leave ~1 GB of dirty buffers; time queries once they are flushed,
    // not while the checkpointer competes with them for the disk.
    await jobDb.exec('vacuum analyze');
    await jobDb.exec('checkpoint');
    const [{ spans, traces }] = await jobDb.query<{ spans: number; traces: number }>(
      `select (select count(*) from spans)::int as spans, (select count(*) from traces)::int as traces`,
    );
    await jobDb.close();
    console.log(`  ${spans} spans in ${traces} trace rows; analyzed\n`);

    const start = Math.floor(nowMs / 1000) - 3600;
    const end = Math.floor(nowMs / 1000) + 60;
    const results: Record<string, { p50: number; p99: number; traces: number }> = {};
    for (const [label, q] of QUERIES) {
      const url = `${server.url}/api/search?q=${encodeURIComponent(q)}&start=${start}&end=${end}&limit=20`;
      let found = 0;
      const t = await timeIt(RUNS, async () => {
        const res = await fetch(url);
        if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status} ${await res.text()}`);
        found = ((await res.json()) as { traces: unknown[] }).traces.length;
      });
      results[label] = { ...t, traces: found };
    }
    const tagUrl = `${server.url}/api/v2/search/tag/resource.service.name/values`;
    let values = 0;
    const tags = await timeIt(RUNS, async () => {
      values = ((await (await fetch(tagUrl)).json()) as { tagValues: unknown[] }).tagValues.length;
    });
    results['tag values'] = { ...tags, traces: values };

    console.log('query                 p50 ms   p99 ms   results');
    for (const [label, r] of Object.entries(results)) {
      console.log(`${label.padEnd(20)} ${r.p50.toFixed(0).padStart(7)} ${r.p99.toFixed(0).padStart(8)} ${String(r.traces).padStart(9)}`);
    }
    console.log(`server peak RSS: ${peakRssMiB(server.pid) ?? '?'} MiB`);
    console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { p50: Math.round(r.p50), p99: Math.round(r.p99) }]))));
  } finally {
    await server.stop();
    await db.drop();
  }
}

await main();
