// `npm run bench:storage`: loads generated traces (default 1,000,000 spans) into a fresh Postgres
// database through OTLP, spread over an hour that ended two hours ago (so its partitions are
// closed), then runs one compaction pass and prints bytes per span (tables, TOAST and indexes of
// spans, traces, span_nested and span_blocks, which compaction fills) before and after, the
// pass's runtime, and the p50 of a few searches over the data before and after (fresh rows, then
// per-trace blocks).
//
//   npm run bench:storage -- [--spans 1000000] [--senders 8]
import { createPostgresDb } from '@tracegres/schema';
import { compactionContext } from '../apps/api/src/compaction/from-config.ts';
import { runCompaction } from '../apps/api/src/compaction/job.ts';
import { parseConfig } from '../apps/api/src/config.ts';
import { createServerDatabase } from '../tests/support/databases.ts';
import { loadGenerated, num as numArg, parseArgs, startServer } from './bench-support.ts';

const args = parseArgs(process.argv.slice(2));
const SPANS = numArg(args, 'spans', 1_000_000);
const SENDERS = numArg(args, 'senders', 8);

const SIZE_SQL = `
select coalesce(sum(pg_total_relation_size(c.oid)), 0)::text as bytes
  from pg_inherits i join pg_class c on c.oid = i.inhrelid
 where i.inhparent in ('spans'::regclass, 'traces'::regclass, 'span_nested'::regclass, 'span_blocks'::regclass)`;

/** Searches over the loaded hour: the kinds of TraceQL filter a user runs most. */
const QUERIES = [
  ['service equality', '{ resource.service.name = "checkout" }'],
  ['attribute and duration', '{ span.app.region = "eu-central-1" && duration > 50ms }'],
  ['regex on name', '{ name =~ "SELECT.*" }'],
  ['structural >>', '{ kind = server } >> { status = error }'],
  ['count() > 20', '{ } | count() > 20'],
] as const;
const RUNS = 7;

/** p50 of RUNS searches per query (after one warm-up) through a server on the database. */
async function searchP50(url: string, fromS: number, toS: number): Promise<number[]> {
  const server = await startServer(url, { COMPACTION_INTERVAL: '0' });
  try {
    const out: number[] = [];
    for (const [, q] of QUERIES) {
      const times: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        const r = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}&start=${fromS}&end=${toS}&limit=20`);
        const body = (await r.json()) as { traces?: unknown[] };
        if (r.status !== 200 || !body.traces?.length) throw new Error(`search ${q}: HTTP ${r.status}, ${body.traces?.length ?? 0} traces`);
        if (i > 0) times.push(performance.now() - t0);
      }
      out.push(times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]);
    }
    return out;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const target = await createServerDatabase('tracegres_bench');
  const server = await startServer(target.url, { COMPACTION_INTERVAL: '0' });
  const db = createPostgresDb(target.url, { max: 4 });
  try {
    const to = Date.now() - 2 * 3600_000;
    console.log(`loading ${SPANS} spans into the hour before ${new Date(to).toISOString()} (${SENDERS} senders)...`);
    const loaded = await loadGenerated(server.url, { spans: SPANS, senders: SENDERS, fromMs: to - 3600_000, toMs: to });
    console.log(`  loaded in ${(loaded.ms / 1000).toFixed(1)} s`);
    await server.stop();
    // As autovacuum would leave a fresh partition: visibility map and statistics up to date.
    await db.exec('vacuum analyze');
    const [{ n }] = await db.query<{ n: string }>(`select count(*)::text as n from spans`);
    const spans = Number(n);
    const before = Number((await db.query<{ bytes: string }>(SIZE_SQL))[0].bytes);
    console.log(`  ${spans} spans stored; ${(before / spans).toFixed(0)} bytes per span before compaction\n`);
    const [fromS, toS] = [Math.floor(to / 1000) - 3660, Math.floor(to / 1000) + 60];
    const searchBefore = await searchP50(target.url, fromS, toS);

    // Loading is over, so every trace is complete: no need to wait the quiet time.
    const ctx = await compactionContext(parseConfig({ DATABASE_URL: target.url, COMPACTION_QUIET: '0s' }), db, Date.now, (line) => console.log(`  ${line}`));
    const summary = await runCompaction(ctx);
    const after = Number((await db.query<{ bytes: string }>(SIZE_SQL))[0].bytes);
    // Nothing lost on the way: every span is a fresh row or in a block.
    const [kept] = await db.query<{ rows: string; blocked: string }>(
      `select (select count(*) from spans)::text as rows, (select coalesce(sum(span_count), 0) from span_blocks)::text as blocked`,
    );
    if (Number(kept.rows) + Number(kept.blocked) !== spans) throw new Error(`after compaction ${kept.rows} rows + ${kept.blocked} in blocks, expected ${spans}`);
    console.log(`  ${kept.blocked} spans in per-trace blocks, ${kept.rows} left as rows`);
    const searchAfter = await searchP50(target.url, fromS, toS);
    console.log('');
    console.log(`bytes per span before: ${(before / spans).toFixed(0)}`);
    console.log(`bytes per span after:  ${(after / spans).toFixed(0)}`);
    console.log(`after / before:        ${(after / before).toFixed(3)} (target <= 0.60)`);
    console.log(`compaction pass:       ${(summary.ms / 1000).toFixed(1)} s (${summary.tracesNumbered} traces numbered, ${summary.minutesRolledUp} minutes rolled up)`);
    console.log(`\nsearch p50 (ms, ${RUNS} runs)      fresh rows   blocks`);
    QUERIES.forEach(([label], i) => console.log(`  ${label.padEnd(26)} ${searchBefore[i].toFixed(0).padStart(10)} ${searchAfter[i].toFixed(0).padStart(8)}`));
    console.log(JSON.stringify({ spans, bytesPerSpanBefore: Math.round(before / spans), bytesPerSpanAfter: Math.round(after / spans), ratio: +(after / before).toFixed(3), compactionSeconds: +(summary.ms / 1000).toFixed(1) }));
  } finally {
    await db.close();
    await server.stop().catch(() => {});
    await target.drop();
  }
}

await main();
