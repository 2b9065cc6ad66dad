// The web UI's rollup endpoints (service graph, Monitor) on both drivers, against the shop data
// of tests/support/service-graph-dataset.ts whose figures are worked out by hand below.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { datasetBase, loadShop } from '../support/service-graph-dataset.ts';

const base = datasetBase();
// A 600 s window of whole minutes starting a minute before the data: rates are calls / 600.
const start = base / 1000 - 60;
const end = start + 600;

/** Equal to 9 significant digits (quantiles are interpolated in floating point). */
const near = (got: number | null, want: number, what: string) =>
  assert.ok(got !== null && Math.abs(got - want) < 1e-9 * Math.max(1, Math.abs(want)), `${what}: got ${got}, want ${want}`);

for (const driver of drivers) {
  describe(`UI data API (${driver})`, () => {
    let server: TestServer;
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${server.url}${path}`, { headers });
      const text = await r.text();
      return { status: r.status, text, json: () => JSON.parse(text) };
    };

    before(async () => {
      server = await startTestServer(driver, { COMPACTION_INTERVAL: '0' });
      await loadShop(server, base);
    });
    after(async () => server?.close());

    test('service graph: nodes and edges with hand-computed figures', async () => {
      const r = await get(`/api/ui/service-graph?start=${start}&end=${end}`);
      assert.equal(r.status, 200, r.text);
      const g = r.json();
      assert.deepEqual([g.start, g.end], [start, end]);
      const nodes = Object.fromEntries(g.nodes.map((n: { name: string }) => [n.name, n]));
      assert.deepEqual(
        g.nodes.map((n: { name: string; kind: string; calls: number; errors: number }) => [n.name, n.kind, n.calls, n.errors]),
        [['frontend', 'service', 3, 0], ['user', 'user', 3, 0], ['checkout', 'service', 2, 1], ['kafka', 'messaging', 1, 0], ['pg-main', 'database', 1, 0]],
      );
      // frontend served 20, 100 and 300 ms: span-metric buckets (ms) 2..16384 doubling, so
      // le32 = 1, le128 = 2, le512 = 3; p95 rank 2.85 lies in (256, 512]: 256 + 256 * 0.85.
      near(nodes.frontend.rate, 3 / 600, 'frontend rate');
      near(nodes.frontend.p95Ms, 256 + 256 * 0.85, 'frontend p95');
      near(nodes.frontend.avgMs, 140, 'frontend avg');
      // checkout served 60 (error) and 200 ms: rank 1.9 in (128, 256]: 128 + 128 * 0.9.
      near(nodes.checkout.errorRate, 0.5, 'checkout error rate');
      near(nodes.checkout.p95Ms, 128 + 128 * 0.9, 'checkout p95');
      // Uninstrumented nodes take the calls into them (service-graph buckets from 100 ms).
      near(nodes['pg-main'].p95Ms, 95, 'pg-main p95');
      near(nodes['pg-main'].avgMs, 10, 'pg-main avg');
      near(nodes.kafka.avgMs, 2, 'kafka avg');
      // user sent 100, 300 and 20 ms requests: le100 = 2, le400 = 3; rank 2.85: 200 + 200 * 0.85.
      near(nodes.user.p95Ms, 370, 'user p95');

      const edges = Object.fromEntries(g.edges.map((e: { client: string; server: string }) => [`${e.client}>${e.server}`, e]));
      assert.deepEqual(Object.keys(edges).sort(), ['checkout>kafka', 'checkout>pg-main', 'frontend>checkout', 'user>frontend']);
      assert.deepEqual(
        ['user>frontend', 'frontend>checkout', 'checkout>pg-main', 'checkout>kafka'].map((k) => [edges[k].connectionType, edges[k].calls, edges[k].failed]),
        [['virtual_node', 3, 0], ['', 2, 1], ['database', 1, 0], ['virtual_node', 1, 0]],
      );
      const fc = edges['frontend>checkout'];
      near(fc.rate, 2 / 600, 'frontend>checkout rate');
      near(fc.errorRate, 0.5, 'frontend>checkout error rate');
      // Server side 60 and 200 ms: le100 = 1, le200 = 2; rank 1.9: 100 + 100 * 0.9.
      near(fc.p95Ms, 190, 'frontend>checkout server p95');
      near(fc.avgMs, 130, 'frontend>checkout server avg');
      // Client side 80 and 250 ms: le100 = 1, le200 = 1, le400 = 2; rank 1.9: 200 + 200 * 0.9.
      near(fc.clientP95Ms, 380, 'frontend>checkout client p95');
      near(fc.clientAvgMs, 165, 'frontend>checkout client avg');
    });

    test('service graph: another tenant sees nothing; the default window is the last hour', async () => {
      const other = (await get(`/api/ui/service-graph?start=${start}&end=${end}`, { 'x-scope-orgid': 'someone-else' })).json();
      assert.deepEqual([other.nodes, other.edges], [[], []]);
      const r = await get('/api/ui/service-graph');
      assert.equal(r.status, 200, r.text);
      const g = r.json();
      assert.ok([3600, 3660].includes(g.end - g.start), `an hour, widened to whole minutes: ${g.end - g.start} s`);
      assert.equal(g.nodes.length, 5);
    });

    test('monitor: services and their span kinds', async () => {
      const r = await get(`/api/ui/monitor/services?start=${start}&end=${end}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json().services, [
        { name: 'checkout', spanKinds: ['server', 'client', 'producer'] },
        { name: 'frontend', spanKinds: ['server', 'client'] },
      ]);
    });

    test('monitor: series, totals and operations of frontend server spans', async () => {
      const r = await get(`/api/ui/monitor?service=frontend&start=${start}&end=${end}&step=60`);
      assert.equal(r.status, 200, r.text);
      const m = r.json();
      assert.deepEqual([m.spanKind, m.step, m.series.timestamps.length, m.series.timestamps[1]], ['server', 60, 10, base / 1000]);
      // t1 and t2 fall in the data's first minute (bucket 1), t3 in the next.
      assert.deepEqual(m.series.rate.map((x: number) => x * 60), [0, 2, 1, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(m.series.errorRate.slice(0, 3), [null, 0, 0]);
      // Bucket 1 holds 100 and 300 ms: p50 rank 1 fills (64, 128]; p95 rank 1.9 in (256, 512].
      near(m.series.p50Ms[1], 128, 'bucket p50');
      near(m.series.p95Ms[1], 256 + 256 * 0.9, 'bucket p95');
      assert.equal(m.series.p95Ms[0], null);
      // All three: p50 rank 1.5 in (64, 128]; p75 rank 2.25 in (256, 512].
      near(m.totals.rate, 3 / 600, 'total rate');
      near(m.totals.p50Ms, 96, 'total p50');
      near(m.totals.p75Ms, 320, 'total p75');
      near(m.totals.p95Ms, 473.6, 'total p95');
      assert.deepEqual(m.operations.map((o: { name: string; calls: number; impact: number }) => [o.name, o.calls, o.impact]), [
        ['GET /checkout', 2, 1],
        ['GET /home', 1, 0],
      ]);
      const [co, home] = m.operations;
      near(co.timeShare, 400 / 420, 'checkout time share');
      near(home.timeShare, 20 / 420, 'home time share');
      near(co.p95Ms, 486.4, 'GET /checkout p95');
      near(co.rate, 2 / 600, 'GET /checkout rate');
    });

    test('monitor: another span kind, and the default step', async () => {
      const m = (await get(`/api/ui/monitor?service=checkout&spanKind=client&start=${start}&end=${end}`)).json();
      assert.equal(m.step, 60, 'ten minutes at most 60 points: one-minute steps');
      assert.deepEqual(m.operations.map((o: { name: string }) => o.name), ['SELECT']);
      // 10 ms: le8 = 0, le16 = 1; p95 in (8, 16]: 8 + 8 * 0.95.
      near(m.operations[0].p95Ms, 15.6, 'SELECT p95');
      const day = (await get(`/api/ui/monitor?service=checkout&start=${start}&end=${start + 86_400}`)).json();
      assert.deepEqual([day.step, day.series.timestamps.length], [1440, 60]);
      near(day.totals.errorRate, 0.5, 'POST /pay errors');
    });

    test('bad parameters answer 400 naming the parameter', async () => {
      const cases: [string, RegExp][] = [
        ['/api/ui/service-graph?start=yesterday', /invalid start/],
        [`/api/ui/service-graph?start=${end}&end=${start}`, /invalid end/],
        [`/api/ui/service-graph?start=${start - 40 * 86_400}&end=${end}`, /invalid start.*31 days/],
        ['/api/ui/monitor/services?end=soon', /invalid end/],
        ['/api/ui/monitor', /missing service/],
        ['/api/ui/monitor?service=frontend&spanKind=sideways', /invalid spanKind/],
        ['/api/ui/monitor?service=frontend&step=90', /invalid step/],
        ['/api/ui/monitor?service=frontend&step=-60', /invalid step/],
        [`/api/ui/monitor?service=frontend&start=${start - 30 * 86_400}&end=${end}&step=60`, /invalid step.*points/],
      ];
      for (const [path, msg] of cases) {
        const r = await get(path);
        assert.equal(r.status, 400, `${path}: ${r.status} ${r.text}`);
        assert.match(r.text, msg, path);
      }
    });
  });
}
