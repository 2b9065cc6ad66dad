// The operator views (migrations/0003_operator_views.sql) and every SQL example of
// docs/operations.md: each runs on Postgres and PGlite over a small hand-made data set
// (ops-dataset.ts) and returns the columns and rows the guide describes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sendTraces } from '@tracegres/loadgen';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import type { TestServer } from '../support/app.ts';
import { compactionServer, contextOf } from '../support/compaction.ts';
import { drivers } from '../support/databases.ts';
import { type GuideExample, guideExamples, sqlBlocksOfSection } from './guide-examples.ts';
import { CART, CHECKOUT_INVALID, CHECKOUT_TIMEOUT, opsDataset, spanHex } from './ops-dataset.ts';

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? v : Number(v));
/** Rows as arrays of plain values: numerics (strings from the drivers) as numbers. */
const plain = (rows: Row[], cols: string[], numeric: string[]) => rows.map((r) => cols.map((c) => (numeric.includes(c) ? num(r[c]) : r[c])));

const expectations: Record<string, (rows: Row[]) => void> = {
  'trace-spans': (rows) =>
    assert.deepEqual(plain(rows, ['span_id', 'parent_span_id', 'service_name', 'name', 'kind', 'status', 'duration_ms'], ['duration_ms']), [
      [spanHex('f1'), null, 'frontend', 'GET /checkout', 'server', 'error', 400],
      [spanHex('f2'), spanHex('f1'), 'frontend', 'POST /api/orders', 'client', 'error', 380],
      [spanHex('o1'), spanHex('f2'), 'orders', 'POST /api/orders', 'server', 'error', 360],
      [spanHex('o2'), spanHex('o1'), 'orders', 'SELECT items', 'client', 'unset', 50],
      [spanHex('o3'), spanHex('o1'), 'orders', 'SELECT items', 'client', 'unset', 50],
      [spanHex('o4'), spanHex('o1'), 'orders', 'SELECT items', 'client', 'unset', 50],
    ]),
  'slowest-traces': (rows) =>
    assert.deepEqual(plain(rows, ['trace_hex', 'root_service', 'root_name', 'duration_ms', 'span_count', 'error_count', 'services'], ['duration_ms', 'span_count', 'error_count']), [
      [CHECKOUT_TIMEOUT, 'frontend', 'GET /checkout', 400, 6, 3, ['frontend', 'orders']],
      [CHECKOUT_INVALID, 'frontend', 'GET /checkout', 120, 3, 3, ['frontend', 'orders']],
      [CART, 'frontend', 'GET /cart', 100, 4, 0, ['cart', 'frontend']],
    ]),
  // Worked out by hand: orders 210 (o1: 360 - 3 x 50) + 150 (the queries) + 80 (v3); frontend
  // 6 spans x 20; cart 55 + 5.
  'self-time': (rows) =>
    assert.deepEqual(plain(rows, ['service_name', 'self_ms', 'spans'], ['self_ms', 'spans']), [
      ['orders', 440, 5],
      ['frontend', 120, 6],
      ['cart', 60, 2],
    ]),
  'n-plus-one': (rows) =>
    assert.deepEqual(plain(rows, ['trace_hex', 'service_name', 'db_statement', 'executions', 'total_ms'], ['executions', 'total_ms']), [
      [CHECKOUT_TIMEOUT, 'orders', 'SELECT * FROM items WHERE order_id = $1', 3, 150],
    ]),
  'errors-by-release': (rows) =>
    assert.deepEqual(plain(rows, ['service_name', 'version', 'requests', 'errors', 'error_pct'], ['requests', 'errors', 'error_pct']), [
      ['orders', '2.0.1', 1, 1, 100],
      ['orders', '2.0.2', 1, 1, 100],
      ['frontend', '1.4.0', 3, 2, 66.7],
      ['cart', '0.9.0', 1, 0, 0],
    ]),
  // percentile_cont over [120, 400]: 120 + q x 280; over [80, 360]: 80 + q x 280.
  'route-percentiles': (rows) =>
    assert.deepEqual(plain(rows, ['service_name', 'http_route', 'requests', 'p50_ms', 'p95_ms', 'p99_ms'], ['requests', 'p50_ms', 'p95_ms', 'p99_ms']), [
      ['frontend', '/checkout', 2, 260, 386, 397.2],
      ['orders', '/api/orders', 2, 220, 346, 357.2],
      ['frontend', '/cart', 1, 100, 100, 100],
    ]),
  exceptions: (rows) => {
    assert.deepEqual(plain(rows, ['service_name', 'exception_type', 'occurrences', 'traces'], ['occurrences', 'traces']), [
      ['orders', 'TimeoutError', 1, 1],
      ['orders', 'ValidationError', 1, 1],
    ]);
    assert.ok(rows.every((r) => r.last_seen !== null));
  },
  'never-reached-db': (rows) => assert.deepEqual(plain(rows, ['trace_hex', 'spans'], ['spans']), [[CHECKOUT_INVALID, 3]]),
  'linked-from': (rows) => assert.deepEqual(plain(rows, ['trace_hex', 'service_name', 'span_name', 'linked_span_id'], []), [[CART, 'cart', 'GET /api/cart', spanHex('o1')]]),
  'typed-attributes': (rows) =>
    assert.deepEqual(plain(rows, ['name', 'items', 'total', 'tags', 'payload', 'meta'], ['items', 'total']), [['GET /checkout', 3, 2, ['gift', 'express'], 'AQID', 'eu']]),
  'busiest-operations': (rows) =>
    assert.deepEqual(plain(rows, ['service', 'span_name', 'calls', 'errors', 'avg_ms'], ['calls', 'errors', 'avg_ms']), [
      ['frontend', 'GET /checkout', 2, 2, 260],
      ['orders', 'POST /api/orders', 2, 2, 220],
      ['cart', 'GET /api/cart', 1, 0, 60],
      ['frontend', 'GET /cart', 1, 0, 100],
    ]),
  dependencies: (rows) => {
    const edges = plain(rows, ['client', 'server', 'calls', 'failed', 'server_avg_ms'], ['calls', 'failed', 'server_avg_ms']);
    // Entry points are called by "user"; databases are named by db.system.name (Tempo's rules).
    assert.deepEqual(edges, [
      ['orders', 'postgresql', 3, 0, 50],
      ['user', 'frontend', 3, 2, 206.7],
      ['frontend', 'orders', 2, 2, 220],
      ['cart', 'redis', 1, 0, 5],
      ['frontend', 'cart', 1, 0, 60],
    ]);
  },
  partitions: (rows) => {
    assert.ok(rows.length >= 1);
    assert.ok(rows.every((r) => /^spans_p\d{8}_\d{4}$/.test(r.partition as string) && typeof r.size === 'string'));
    const now = Date.now();
    assert.ok(rows.some((r) => new Date(r.from_time as string).getTime() <= now && now < new Date(r.to_time as string).getTime()), 'a partition holds now');
  },
  'own-data': (rows) => assert.deepEqual(plain(rows, ['customer_tier', 'slow_requests'], ['slow_requests']), [['gold', 1]]),
};

test('every SQL block of "SQL for operators" is a checked example, and every example has a check', () => {
  const blocks = sqlBlocksOfSection('SQL for operators');
  assert.ok(blocks.length >= 10);
  assert.ok(blocks.every((b) => b.marked), 'an unmarked ```sql block in "SQL for operators" would go untested');
  assert.deepEqual(guideExamples().map((e) => e.name).sort(), Object.keys(expectations).sort());
});

for (const driver of drivers) {
  describe(`operator views and the guide's examples (${driver})`, () => {
    let server: TestServer;
    before(async () => {
      server = await compactionServer(driver);
      const r = await sendTraces(opsDataset(Date.now() - 10 * 60_000), { url: server.url });
      assert.equal(r.status, 200, r.error);
      // A clock two hours on: every trace is quiet and every minute settled.
      await runCompaction(contextOf(server, Date.now() + 2 * 3600_000));
      await server.deps.db.query(`create table orders (id text primary key, customer_tier text not null)`);
      await server.deps.db.query(`insert into orders values ('o-1001', 'gold'), ('o-1002', 'silver')`);
    });
    after(async () => server?.close());

    for (const example of guideExamples()) {
      test(example.name, async () => {
        const rows = await runExample(server, example);
        if (rows.length) assert.deepEqual(Object.keys(rows[0]), example.returns, 'columns as the guide says');
        expectations[example.name](rows);
      });
    }

    test('attribute values read as plain JSON, whatever their stored encoding', async () => {
      const [row] = await server.deps.db.query<{ attrs: string }>(
        `select attrs::text from tracegres.spans_v where trace_id = $1 and parent_span_id is null`,
        [CHECKOUT_TIMEOUT],
      );
      const attrs = JSON.parse(row.attrs);
      assert.deepEqual(
        { items: attrs['app.cart.items'], tags: attrs['app.tags'], payload: attrs['app.payload'], meta: attrs['app.meta'], code: attrs['http.response.status_code'] },
        { items: 3, tags: ['gift', 'express'], payload: 'AQID', meta: { region: 'eu' }, code: 500 },
      );
      assert.match(row.attrs, /"app\.order\.total": 2\.0/, 'a double keeps its decimal point');
      const [wrapped] = await server.deps.db.query<{ v: string }>(
        `select tracegres.readable_map('{"n":{"d":"NaN"},"z":{"s":"YQBi"},"k":{"kv":{"x":[{"d":"-Infinity"}]}}}'::jsonb)::text as v`,
      );
      assert.equal(wrapped.v, '{"k": {"x": ["-Infinity"]}, "n": "NaN", "z": "a\uFFFDb"}');
    });

    test('spans_v columns: ids, times and the semantic-convention columns', async () => {
      const [s] = await server.deps.db.query<Row>(
        `select trace_id::text, trace_hex, start_ns::text, duration_ns::text, tracegres.ns(start_time)::text as back, http_method, http_route,
                http_status_code, resource_attrs->>'service.version' as version, scope_name, scope_version, event_count, link_count, depth, tenant
           from tracegres.spans_v where trace_id = $1 and parent_span_id is null`,
        [CHECKOUT_TIMEOUT],
      );
      assert.equal(s.trace_hex, CHECKOUT_TIMEOUT);
      assert.equal((s.trace_id as string).replaceAll('-', ''), CHECKOUT_TIMEOUT);
      assert.equal(BigInt(s.back as string) / 1000n, BigInt(s.start_ns as string) / 1000n, 'tracegres.ns(tracegres.ts(x)) keeps microseconds');
      assert.deepEqual(
        [s.duration_ns, s.http_method, s.http_route, s.http_status_code, s.version, s.scope_name, s.scope_version, s.event_count, s.link_count, s.depth, s.tenant],
        ['400000000', 'GET', '/checkout', 500, '1.4.0', 'shop', '1.0.0', 0, 0, 0, 'single-tenant'],
      );
    });

    test('a trace-id lookup reads the primary key and a start_ns window prunes partitions', { skip: driver !== 'postgres' }, async () => {
      const plan = async (sql: string) => (await server.deps.db.query<{ 'QUERY PLAN': string }>(`explain ${sql}`)).map((r) => r['QUERY PLAN']).join('\n');
      assert.match(await plan(`select * from tracegres.spans_v where trace_id = '${CHECKOUT_TIMEOUT}'`), /Index Scan using spans_p\d+_\d+_pkey/);
      const parts = (await server.deps.db.query<{ n: number }>(`select count(*)::int as n from tracegres.partitions_v where parent = 'spans'`))[0].n;
      assert.ok(parts >= 3);
      const windowed = await plan(`select count(*) from tracegres.spans_v where start_ns >= tracegres.ns(now() - interval '20 minutes') and start_ns < tracegres.ns(now())`);
      assert.ok((windowed.match(/on spans_p/g) ?? []).length < parts || /Subplans Removed/.test(windowed), windowed);
    });

    test('the views are read-only', async () => {
      await assert.rejects(server.deps.db.query(`delete from tracegres.traces_v`), /cannot delete from view|not automatically updatable/);
    });
  });
}

async function runExample(server: TestServer, example: GuideExample): Promise<Row[]> {
  return server.deps.db.query<Row>(example.sql);
}
