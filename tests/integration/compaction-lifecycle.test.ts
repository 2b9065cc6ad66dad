import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import { moveRowsToBlocks } from '../../apps/api/src/compaction/span-blocks.ts';
import { partitionName } from '@tracegres/schema';
import type { TestServer } from '../support/app.ts';
import { compactionServer, contextOf, handTrace, send } from '../support/compaction.ts';
import { drivers } from '../support/databases.ts';

const base = Date.now() - 40 * 60_000;
const HOUR = 3600_000;

const trace = (id: string) =>
  handTrace(id, base, [
    { id: '1', service: 'web', name: 'GET /', kind: 2, startMs: 0, durMs: 100 },
    { id: '2', parent: '1', service: 'web', name: 'call', kind: 3, startMs: 5, durMs: 80 },
    { id: '3', parent: '2', service: 'api', name: 'serve', kind: 2, startMs: 10, durMs: 60, error: true },
  ]);

for (const driver of drivers) {
  describe(`compaction lifecycle (${driver})`, () => {
    let server: TestServer;
    before(async () => {
      server = await compactionServer(driver, { RETENTION: '2h' });
      await send(server, [trace('c1'), trace('c2')]);
      await send(server, [trace('d1')], 'other-tenant');
    });
    after(() => server?.close());

    test('a late span re-opens its trace, and the next pass numbers it in', async () => {
      const db = server.deps.db;
      await runCompaction(contextOf(server, Date.now() + 60_000));
      const numbered = async () =>
        db.query<{ id: string; l: number; r: number; d: number }>(
          `select encode(span_id, 'hex') as id, nested_left as l, nested_right as r, depth as d from span_nested
            where trace_id = '000000000000000000000000000000c1' order by nested_left`,
        );
      assert.deepEqual((await numbered()).map((s) => [s.id.slice(-1), s.l, s.r, s.d]), [['1', 1, 6, 0], ['2', 2, 5, 1], ['3', 3, 4, 2]]);
      // Span 4, a child of span 3, arrives after the trace was numbered.
      await send(server, [handTrace('c1', base, [{ id: '4', parent: '3', service: 'api', name: 'late', kind: 1, startMs: 20, durMs: 5 }])]);
      const [row] = await db.query<{ compacted: boolean; span_count: number }>(`select compacted, span_count from traces where trace_id = '000000000000000000000000000000c1'`);
      assert.deepEqual(row, { compacted: false, span_count: 4 });
      await runCompaction(contextOf(server, Date.now() + 60_000));
      assert.deepEqual((await numbered()).map((s) => [s.id.slice(-1), s.l, s.r, s.d]), [['1', 1, 8, 0], ['2', 2, 7, 1], ['3', 3, 6, 2], ['4', 4, 5, 3]]);
      const [again] = await db.query<{ compacted: boolean; max_depth: number; service_stats: unknown }>(
        `select compacted, max_depth, service_stats from traces where trace_id = '000000000000000000000000000000c1'`,
      );
      assert.deepEqual(again, { compacted: true, max_depth: 3, service_stats: { web: { spanCount: 2, errorCount: 0 }, api: { spanCount: 2, errorCount: 1 } } });
    });

    test('/metrics/generator serves the rollups per tenant, and it and /metrics pass promtool', async () => {
      const text = await (await fetch(`${server.url}/metrics/generator`)).text();
      assert.match(text, /traces_service_graph_request_total\{client="web",server="api",connection_type=""\} 2\n/);
      assert.match(text, /traces_service_graph_request_failed_total\{client="web",server="api",connection_type=""\} 2\n/);
      assert.match(text, /traces_service_graph_request_total\{client="user",server="web",connection_type="virtual_node"\} 2\n/);
      assert.match(text, /traces_spanmetrics_calls_total\{service="api",span_name="serve",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR"\} 2\n/);
      assert.match(text, /traces_spanmetrics_latency_bucket\{service="api",span_name="serve",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_ERROR",le="0\.064"\} 2\n/);
      assert.match(text, /traces_service_graph_request_server_seconds_sum\{client="web",server="api",connection_type=""\} 0\.12\n/);
      const other = await (await fetch(`${server.url}/metrics/generator`, { headers: { 'x-scope-orgid': 'other-tenant' } })).text();
      assert.match(other, /traces_service_graph_request_total\{client="web",server="api",connection_type=""\} 1\n/);
      // Prometheus' own parser and linter.
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
      const processMetrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(processMetrics, /tracegres_spans_received_total/);
      const checkProcess = spawnSync('promtool', ['check', 'metrics'], { input: processMetrics, encoding: 'utf8' });
      assert.equal(checkProcess.status, 0, `promtool on /metrics: ${checkProcess.stdout}${checkProcess.stderr}`);
      const bad = spawnSync('promtool', ['check', 'metrics'], { input: 'traces_spanmetrics_calls_total{service="x" 1\n', encoding: 'utf8' });
      assert.notEqual(bad.status, 0, 'promtool rejects a broken exposition (the check can fail)');
    });

    test('retention drops whole partitions by a controlled clock; a tenant with a longer retention keeps them', async () => {
      const db = server.deps.db;
      const parts = async () => (await db.query<{ n: string }>(`select relname as n from pg_class where relname like 'spans_p%' and relkind = 'r' order by 1`)).map((r) => r.n);
      // Fresh rows and compacted blocks alike (earlier tests here compacted closed partitions).
      const count = async () => Number((await db.query<{ n: string }>(`select count(*)::text as n from all_span_rows`))[0].n);
      const beforeParts = await parts();
      assert.equal(await count(), 10);
      await db.query(`update tenants set retention_seconds = 86400 where name = 'other-tenant'`);
      let s = await runCompaction(contextOf(server, Date.now() + 5 * HOUR));
      assert.deepEqual(s.partitionsDropped, [], 'the longest retention (24h) still covers the data');
      await db.query(`update tenants set retention_seconds = null`);
      s = await runCompaction(contextOf(server, Date.now() + 5 * HOUR));
      assert.ok(s.partitionsDropped.length >= 2, `dropped ${s.partitionsDropped.join(', ')}`);
      assert.equal(await count(), 0, 'the spans went with their partitions');
      const afterParts = await parts();
      assert.ok(beforeParts.some((p) => !afterParts.includes(p)));
      assert.ok(afterParts.length >= 3, 'partitions around the new now exist ahead of time');
      const [rollups] = await db.query<{ n: string }>(`select count(*)::text as n from span_metrics_1m`);
      assert.equal(rollups.n, '0', 'per-minute rollups past retention are gone');
      const [totals] = await db.query<{ n: string }>(`select count(*)::text as n from span_metrics_total`);
      assert.notEqual(totals.n, '0', 'running totals stay, so Prometheus counters never go down');
    });
  });
}

for (const driver of drivers) {
  test(`a span that reaches a compacted partition is read at once and folded into its trace's block (${driver})`, async () => {
    const server = await compactionServer(driver);
    try {
      const db = server.deps.db;
      const id = '000000000000000000000000000000b7';
      await send(server, [trace('b7')]);
      const later = Date.now() + 2 * HOUR;
      const first = await runCompaction(contextOf(server, later));
      assert.ok(first.partitionsCompacted.length >= 1);
      const where = async () =>
        (await db.query<{ rows: number; blocks: number; in_blocks: number }>(
          `select (select count(*)::int4 from spans where trace_id = $1::uuid) as rows,
                  (select count(*)::int4 from span_blocks where trace_id = $1::uuid) as blocks,
                  (select coalesce(sum(span_count), 0)::int4 from span_blocks where trace_id = $1::uuid) as in_blocks`,
          [id],
        ))[0];
      assert.deepEqual(await where(), { rows: 0, blocks: 1, in_blocks: 3 });
      // A late child of span 3, and span 1 again (an exporter's retry), into the closed partition.
      await send(server, [handTrace('b7', base, [
        { id: '4', parent: '3', service: 'api', name: 'late', kind: 1, startMs: 20, durMs: 5 },
        { id: '1', service: 'web', name: 'GET /', kind: 2, startMs: 0, durMs: 100 },
      ])]);
      assert.deepEqual(await where(), { rows: 2, blocks: 1, in_blocks: 3 });
      const names = async () => {
        const r = await fetch(`${server.url}/api/v2/traces/${id}`, { headers: { accept: 'application/json' } });
        assert.equal(r.status, 200);
        const body = (await r.json()) as { trace: { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] } };
        return body.trace.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((x) => x.name))).sort();
      };
      assert.ok((await names()).includes('late'), 'the late span is read before the next pass');
      const search = await fetch(`${server.url}/api/search?q=${encodeURIComponent('{ name = "late" }')}&start=${Math.floor(base / 1000) - 60}&end=${Math.floor(base / 1000) + 600}`);
      assert.deepEqual(((await search.json()) as { traces: { traceID: string }[] }).traces.map((t) => t.traceID), [id.replace(/^0+/, '')]);
      await runCompaction(contextOf(server, later));
      assert.deepEqual(await where(), { rows: 0, blocks: 1, in_blocks: 4 }, 'folded in, the retried span kept once');
      assert.deepEqual(await names(), ['GET /', 'call', 'late', 'serve']);
      const [numbered] = await db.query<{ n: number }>(`select count(*)::int4 as n from span_nested where trace_id = $1::uuid`, [id]);
      assert.equal(numbered.n, 4, 'the trace was numbered again with its late span');
    } finally {
      await server.close();
    }
  });
}

for (const driver of drivers) {
  test(`a trace with more spans than a block holds is split into blocks and read back whole (${driver})`, async () => {
    const server = await compactionServer(driver);
    try {
      const db = server.deps.db;
      const id = '000000000000000000000000000000b9';
      await send(server, [trace('b9')]);
      const read = async () => (await fetch(`${server.url}/api/v2/traces/${id}`, { headers: { accept: 'application/json' } })).text();
      const before = await read();
      const [{ b }] = await db.query<{ b: string }>(`select bucket_ns::text as b from traces where trace_id = $1::uuid`, [id]);
      const bucket = BigInt(b);
      // Blocks of at most 2 spans: the 3-span trace takes two.
      const moved = await moveRowsToBlocks(db, partitionName('spans', bucket), bucket, bucket + server.deps.partitions.intervalNs, 2);
      assert.equal(moved, 3);
      const blocks = await db.query<{ seq: number; span_count: number }>(`select seq, span_count from span_blocks where trace_id = $1::uuid order by seq`, [id]);
      assert.deepEqual(blocks.map((r) => ({ ...r })), [{ seq: 0, span_count: 2 }, { seq: 1, span_count: 1 }]);
      assert.equal(await read(), before, 'the trace reads the same from two blocks');
    } finally {
      await server.close();
    }
  });
}

test('npm run compact prints a line per step and a summary', { skip: !drivers.includes('postgres') }, async () => {
  const server = await compactionServer('postgres');
  try {
    await send(server, [trace('e1')]);
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'apps/api/src/cli/compact.ts'], {
      env: { ...process.env, DATABASE_URL: server.database.url!, COMPACTION_QUIET: '0s' },
      encoding: 'utf8',
    });
    assert.match(out, /^retention: /m);
    assert.match(out, /^traces: 1 quiet trace\(s\) numbered \(3 spans\) in \d+\.\d s$/m);
    assert.match(out, /^rollups: \d+ minute\(s\) rolled up/m);
    assert.match(out, /^storage: /m);
    assert.match(out, /^done in [\d.]+ s: 1 traces numbered/m);
  } finally {
    await server.close();
  }
});
