// TraceQL metrics API beyond the functions (metrics-query.test.ts): Tempo's response shapes,
// parameter forms and 400s, compare(), exemplars, the series limit, tenants and the 504 on a
// statement timeout; on Postgres and PGlite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { instantWindow, parse, planMetrics } from '@tracegres/traceql';
import { ApiError } from '../../apps/api/src/errors.ts';
import { type MetricsSource, runMetrics } from '../../apps/api/src/storage/metrics-run.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { type MetricsBody, baseNs, baseS, gotRange, loadMetricsDataset, sameSeries } from '../support/metrics-dataset.ts';
import { type Expected, type RefSpan, expectRange, lbl, s } from '../support/metrics-reference.ts';

const END_S = baseS + 600;
const WINDOW = `start=${baseS}&end=${END_S}&step=60`;
const STEP = 60_000_000_000n;
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['unset', 'ok', 'error'];

for (const driver of drivers) {
  describe(`TraceQL metrics API on ${driver}`, () => {
    let server: TestServer;
    let spans: RefSpan[];
    const get = async (path: string, qs: string, tenant?: string) => {
      const res = await fetch(`${server.url}${path}?${qs}`, { headers: tenant ? { 'x-scope-orgid': tenant } : {} });
      const text = await res.text();
      return { status: res.status, text, type: res.headers.get('content-type') ?? '', body: res.status === 200 ? (JSON.parse(text) as MetricsBody) : undefined };
    };
    const range = (q: string, extra = WINDOW, tenant?: string) => get('/api/metrics/query_range', `q=${encodeURIComponent(q)}&${extra}`, tenant);

    before(async () => {
      server = await startTestServer(driver);
      spans = await loadMetricsDataset(server);
    });
    after(() => server?.close());

    test("range and instant responses have Tempo's jsonpb shape", async () => {
      const r = await range('{} | count_over_time() by (span:name) with (exemplars = false)');
      assert.equal(r.status, 200, r.text);
      assert.match(r.type, /application\/json/);
      const body = r.body!;
      assert.deepEqual(Object.keys(body), ['series', 'metrics']);
      const api = body.series.find((x) => x.promLabels === '{span:name="GET /a"}');
      assert.ok(api, 'promLabels in Prometheus form');
      assert.deepEqual(Object.keys(api), ['labels', 'samples', 'promLabels']);
      assert.deepEqual(api.labels, [{ key: 'span:name', value: { stringValue: 'GET /a' } }]);
      assert.equal(api.samples.length, 11, 'aligned start - 1 step .. aligned end');
      assert.equal(api.samples[0].timestampMs, String(baseS * 1000), 'int64 as string, interval (t - step, t]');
      assert.ok(body.series.some((x) => x.samples.some((y) => !('value' in y))), 'a zero count omits value, as jsonpb does');
      const inst = await get('/api/metrics/query', `q=${encodeURIComponent('{} | count_over_time() by (resource.service.name)')}&start=${baseS}&end=${END_S}`);
      assert.equal(inst.status, 200, inst.text);
      const series = (JSON.parse(inst.text) as { series: Record<string, unknown>[] }).series;
      assert.equal(series.length, 3);
      for (const x of series) assert.deepEqual(Object.keys(x), ['labels', 'value'], 'no promLabels: Grafana decodes instant responses strictly');
      const scoped = await range('{ instrumentation:version = "1" } | count_over_time() by (event:name, instrumentation:name, link:traceID)');
      assert.deepEqual(scoped.body!.series.map((x) => x.labels), [[{ key: 'instrumentation:name', value: { stringValue: 'ref' } }]], 'nil labels dropped');
      const none = await range('{ name = "nope" } | rate()');
      assert.deepEqual(none.body!.series, []);
      const other = await range('{} | rate()', WINDOW, 'another-tenant');
      assert.deepEqual(other.body!.series, [], 'tenants see only their spans');
    });

    test('start/end/since accept every form Tempo does, q or query', async () => {
      const want = (await range('{} | count_over_time()')).text;
      const iso = (sec: number) => new Date(sec * 1000).toISOString();
      for (const extra of [
        `start=${baseS}000000000&end=${END_S}000000000&step=60`,
        `start=${baseS}.0004&end=${END_S}.000&step=1m`,
        `start=${iso(baseS)}&end=${iso(END_S)}&step=60s`,
        `end=${END_S}&since=10m&step=60`,
      ]) assert.equal((await range('{} | count_over_time()', extra)).text, want, extra);
      const viaQuery = await get('/api/metrics/query_range', `query=${encodeURIComponent('{} | count_over_time()')}&${WINDOW}`);
      assert.equal(viaQuery.text, want);
    });

    test('bad parameters are plain-text 400s naming the parameter', async () => {
      const cases: [string, string, RegExp][] = [
        ['query_range', WINDOW, /invalid q: a TraceQL metrics query is required/],
        ['query_range', `q=${encodeURIComponent('{ .a = }')}`, /parse error at line 1, col/],
        ['query_range', `q=${encodeURIComponent('{ .a = 1 }')}`, /search query on the metrics API/],
        ['query_range', `q=${encodeURIComponent('({} | rate()) + ({} | rate())')}`, /metrics arithmetic not yet supported/],
        ['query_range', `q=${encodeURIComponent('{} >> {} | rate()')}`, /spanset operator >> in metrics queries/],
        ['query_range', `q=${encodeURIComponent('{} | count() > 1 | rate()')}`, /scalar filters in metrics queries/],
        ['query_range', `q=${encodeURIComponent('{} | rate() by (span:childCount)')}`, /span:childCount/],
        ['query_range', `q=${encodeURIComponent('{} | rate() | topk(0)')}`, /topk\(\) limit must be a positive integer/],
        ['query_range', `q=${encodeURIComponent('{} | quantile_over_time(duration, 2)')}`, /quantile must be between 0 and 1/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&start=yesterday`, /invalid start: "yesterday" is not a timestamp/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&start=99999999999999999999`, /invalid start/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&start=${baseS}&end=${baseS - 10}`, /invalid end: end must be greater than start/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&since=forever`, /invalid since: "forever" is not a duration/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&step=often`, /invalid step: "often" is not a positive duration/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&step=-5`, /invalid step: must be positive/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&step=0`, /invalid step: must be positive/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&${WINDOW.replace('step=60', 'step=0.01')}`, /invalid step: .*too small.*10000 intervals/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&start=${baseS - 90000}&end=${baseS}`, /invalid start\/end: .*maximum allowed duration of 24h/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&exemplars=lots`, /invalid exemplars: "lots" is not a non-negative integer/],
        ['query_range', `q=${encodeURIComponent('{} | rate()')}&maxSeries=0`, /invalid maxSeries/],
        ['query', '', /invalid q/],
        ['query', `q=${encodeURIComponent('{} | rate()')}&end=soon`, /invalid end/],
      ];
      for (const [path, qs, re] of cases) {
        const r = await get(`/api/metrics/${path}`, qs);
        assert.equal(r.status, 400, `${path}?${qs}: ${r.text}`);
        assert.match(r.type, /text\/plain/);
        assert.match(r.text, re, `${path}?${qs}`);
      }
    });

    test('compare() splits every attribute into baseline and selection, top N values, totals and overflow', async () => {
      const r = await range('{} | compare({ status = error }, 2)');
      assert.equal(r.status, 200, r.text);
      const got = gotRange(r.body!);
      const isSel = (sp: RefSpan) => sp.status === 2;
      const side = (sel: boolean) => (sel ? 'selection' : 'baseline');
      const inWindow = spans.filter((sp) => sp.startNs > baseNs - STEP && sp.startNs <= BigInt(END_S) * 1_000_000_000n);
      const attrs: [string, (sp: RefSpan) => Record<string, unknown> | null][] = [
        ['resource.service.name', (sp) => s(sp.service)],
        ['status', (sp) => s(STATUS[sp.status])],
        ['kind', (sp) => s(KINDS[sp.kind])],
        ['span.region', (sp) => (sp.attrs.region?.type === 'string' ? s(sp.attrs.region.value) : null)],
      ];
      const want: Expected = new Map();
      const add = (e: Expected) => e.forEach((v, k) => want.set(k, v));
      for (const [name, valueOf] of attrs) {
        for (const sel of [false, true]) {
          const mine = inWindow.filter((sp) => isSel(sp) === sel && valueOf(sp) !== null);
          const totals = new Map<string, number>();
          for (const sp of mine) totals.set(JSON.stringify(valueOf(sp)), (totals.get(JSON.stringify(valueOf(sp))) ?? 0) + 1);
          // Top 2 by count; ties by the value's JSON text, as the SQL orders them.
          const top = new Set([...totals].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 2).map(([k]) => k));
          const pick = (sp: RefSpan) => top.has(JSON.stringify(valueOf(sp)));
          add(expectRange(spans, { pred: (sp) => isSel(sp) === sel && valueOf(sp) !== null && pick(sp), labels: (sp) => [lbl('__meta_type', s(side(sel))), lbl(name, valueOf(sp)!)], agg: (x) => x.length, empty: 0 }, baseNs, BigInt(END_S) * 1_000_000_000n, STEP));
          add(expectRange(spans, { pred: (sp) => isSel(sp) === sel && valueOf(sp) !== null, labels: () => [lbl('__meta_type', s(`${side(sel)}_total`)), lbl(name, s('nil'))], agg: (x) => x.length, empty: 0 }, baseNs, BigInt(END_S) * 1_000_000_000n, STEP));
          if (totals.size > 2) want.set([lbl('__meta_error', s('__too_many_values__')), lbl(name, s('nil'))].join(','), new Map());
        }
      }
      const mine = new Map([...got].filter(([k]) => attrs.some(([name]) => k.includes(`,${name}=`))));
      sameSeries(mine, want, 'compare');
      assert.ok(want.has([lbl('__meta_error', s('__too_many_values__')), lbl('resource.service.name', s('nil'))].join(',')));
      assert.ok([...got.keys()].some((k) => k.startsWith(lbl('__meta_type', s('selection'))) && k.includes('span.app.ratio=')), 'double-valued attributes too');
    });

    test('exemplars: spread over time, one per trace, labelled with trace:id, valued like their series', async () => {
      const r = await range('{} | quantile_over_time(duration, .5, .99) by (resource.service.name)', `${WINDOW}&exemplars=6`);
      assert.equal(r.status, 200, r.text);
      const exemplars = r.body!.series.flatMap((x) => (x.exemplars ?? []).map((e) => ({ e, series: x })));
      assert.ok(exemplars.length >= 3 && exemplars.length <= 6, `got ${exemplars.length}`);
      const traces = new Set<string>();
      for (const { e, series } of exemplars) {
        const label = (k: string) => e.labels!.find((l) => l.key === k)?.value.stringValue as string;
        const sp = spans.find((x) => x.spanId === label('span:id') && x.traceId.replace(/^0+/, '') === label('trace:id'));
        assert.ok(sp, `exemplar points at a span sent: ${JSON.stringify(e)}`);
        assert.equal(label('resource.service.name'), sp.service);
        assert.equal(series.labels[0].value.stringValue, sp.service, 'on its own series');
        assert.equal(e.value, Number(sp.durNs) / 1e9);
        assert.equal(e.timestampMs, String(sp.startNs / 1_000_000n));
        assert.ok(!traces.has(sp.traceId), 'one exemplar per trace');
        traces.add(sp.traceId);
      }
      const off = await range('{} | quantile_over_time(duration, .5) with (exemplars = false)');
      assert.ok(off.body!.series.every((x) => !x.exemplars));
      const rate = await range('{} | rate()', `${WINDOW}&exemplars=4`);
      const ex = rate.body!.series[0].exemplars!;
      assert.ok(ex.length >= 1 && ex.length <= 4);
      assert.ok(ex.every((e) => e.value === 'NaN'), 'counting functions give exemplars no value, as Tempo');
    });

    test('the series limit answers PARTIAL with the first series', async () => {
      const r = await range('{} | count_over_time() by (span:name)', `${WINDOW}&maxSeries=2`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body!.series.length, 2);
      assert.equal(r.body!.status, 'PARTIAL');
      assert.match(r.body!.message!, /maximum series limit of 2/);
    });

    test('a query over its time limit is a 504', { skip: driver === 'pglite' ? 'PGlite has no statement timeout' : false }, async () => {
      const [{ tenant_id: tenantId }] = await server.deps.db.query<{ tenant_id: number }>(`select tenant_id from tenants where name = 'single-tenant'`);
      const slow: MetricsSource = { name: 'slow', accepts: () => true, aggregate: async (tx) => (await tx.query('select pg_sleep(5)'), []) };
      const run = { plan: planMetrics(parse('{} | rate()')), window: instantWindow(baseNs, baseNs + STEP), tenantId, maxSeries: 10, exemplars: 0, timeoutMs: 200 };
      await assert.rejects(runMetrics(server.deps.db, run, [slow]), (e: unknown) => e instanceof ApiError && e.status === 504 && /time limit/.test(e.message));
    });
  });
}
