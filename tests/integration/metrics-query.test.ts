// TraceQL metrics (`/api/metrics/query_range`, `/api/metrics/query`) on a real database: every
// function's output equals what an in-test reference computes from the spans sent, on Postgres
// and PGlite. See metrics-api.test.ts for parameters, shapes, exemplars, compare() and limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import {
  type Expected,
  type RangeSpec,
  type RefSpan,
  d,
  expectInstant,
  expectRange,
  lbl,
  log2Bucket,
  numAttr,
  quantile,
  s,
} from '../support/metrics-reference.ts';
import { type MetricsBody, baseNs, baseS, gotInstant, gotRange, loadMetricsDataset, sameInstant, sameSeries } from '../support/metrics-dataset.ts';

const STEP = 60_000_000_000n;
const START = baseNs;
const END = baseNs + 600_000_000_000n;
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const svc = (sp: RefSpan) => lbl('resource.service.name', s(sp.service));
const secs = (ns: bigint) => Number(ns) / 1e9;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const all = () => true;
const counts = (labels: RangeSpec['labels'], pred: RangeSpec['pred'] = all): RangeSpec => ({ pred, labels, agg: (x) => x.length, empty: 0 });

/** [query, expected-series specs] checked over [START, END] with a 60 s step. */
const CASES: [string, RangeSpec[]][] = [
  ['{} | rate()', [{ pred: all, labels: () => [lbl('__name__', s('rate'))], agg: (x) => x.length / 60, empty: 0 }]],
  ['{ resource.service.name = "api" } | count_over_time() by (span:name)', [counts((sp) => [lbl('span:name', s(sp.name))], (sp) => sp.service === 'api')]],
  ['{} | count_over_time() by (name)', [counts((sp) => [lbl('name', s(sp.name))])]],
  [
    '{} | sum_over_time(span:duration) by (resource.service.name)',
    [{ pred: all, labels: (sp) => [svc(sp)], agg: (x) => secs(x.reduce((a, b) => a + b.durNs, 0n)), empty: NaN }],
  ],
  [
    '{ status = error } | min_over_time(duration) by (kind)',
    [{ pred: (sp) => sp.status === 2, labels: (sp) => [lbl('kind', s(KINDS[sp.kind]))], agg: (x) => Math.min(...x.map((y) => secs(y.durNs))), empty: NaN }],
  ],
  [
    '{ status != error } | max_over_time(span:duration) by (span:kind, resource.env)',
    [{
      pred: (sp) => sp.status !== 2,
      labels: (sp) => [lbl('span:kind', s(KINDS[sp.kind])), lbl('resource.env', s(sp.env))],
      agg: (x) => Math.max(...x.map((y) => secs(y.durNs))),
      empty: NaN,
    }],
  ],
  [
    '{} | avg_over_time(span.app.ratio) by (span.region)',
    [{
      pred: all,
      labels: (sp) => [lbl('span.region', s(sp.attrs.region?.type === 'string' ? sp.attrs.region.value : 'nil'))],
      agg: (x) => {
        const v = x.map((y) => numAttr(y, 'app.ratio')).filter((y): y is number => y !== null);
        return v.length ? sum(v) / v.length : NaN;
      },
      empty: NaN,
    }],
  ],
  [
    '{} | sum_over_time(.http.status_code)',
    [{
      pred: all, labels: () => [lbl('__name__', s('sum_over_time'))],
      agg: (x) => {
        const v = x.map((y) => numAttr(y, 'http.status_code')).filter((y): y is number => y !== null);
        return v.length ? sum(v) : NaN;
      },
      empty: NaN,
    }],
  ],
  [
    '{} | quantile_over_time(duration, 0, 0.5, 0.9, 1) by (resource.service.name)',
    [0, 0.5, 0.9, 1].map((p) => ({ pred: all, labels: (sp: RefSpan) => [svc(sp), lbl('p', d(p))], agg: (x: RefSpan[]) => quantile(x.map((y) => secs(y.durNs)), p), empty: 0 })),
  ],
  [
    '{ kind = server } | quantile_over_time(span.app.ratio, .25)',
    [{
      pred: (sp) => sp.kind === 2 && numAttr(sp, 'app.ratio') !== null, labels: () => [lbl('p', d(0.25))],
      agg: (x) => quantile(x.map((y) => numAttr(y, 'app.ratio')!), 0.25), empty: 0,
    }],
  ],
  [
    '{} | histogram_over_time(duration) by (span:kind)',
    [counts((sp) => (sp.durNs < 2n ? null : [lbl('span:kind', s(KINDS[sp.kind])), lbl('__bucket', d(log2Bucket(sp.durNs) / 1e9))]))],
  ],
  ['{} | histogram_over_time(span.http.status_code)', [counts((sp) => (numAttr(sp, 'http.status_code') === null ? null : [lbl('__bucket', d(log2Bucket(BigInt(numAttr(sp, 'http.status_code')!))))]))]],
  [
    '{ span.http.status_code >= 400 } | count_over_time() by (resource.service.name, span.region)',
    [counts(
      (sp) => [svc(sp), ...(sp.attrs.region?.type === 'string' ? [lbl('span.region', s(sp.attrs.region.value))] : [])],
      (sp) => (numAttr(sp, 'http.status_code') ?? 0) >= 400,
    )],
  ],
  [
    '{ duration > 100ms } | { resource.service.name = "web" } || { name = "query" } | count_over_time()',
    [counts(() => [lbl('__name__', s('count_over_time'))], (sp) => sp.durNs > 100_000_000n && (sp.service === 'web' || sp.name === 'query'))],
  ],
];

/** Per-timestamp topk/bottomk over expected series, Tempo's way (ties: larger label text wins topk). */
function topK(e: Expected, k: number, top: boolean): Expected {
  if (e.size <= k) return e;
  const out: Expected = new Map();
  const stamps = new Set([...e.values()].flatMap((m) => [...m.keys()]));
  for (const ts of stamps) {
    const ranked = [...e].filter(([, m]) => m.has(ts)).sort(([ka, a], [kb, b]) => {
      const diff = a.get(ts)! - b.get(ts)!;
      return diff !== 0 ? (top ? -diff : diff) : top ? (ka < kb ? 1 : -1) : ka < kb ? -1 : 1;
    });
    for (const [key, m] of ranked.slice(0, k)) out.set(key, (out.get(key) ?? new Map()).set(ts, m.get(ts)!));
  }
  return out;
}

function filter(e: Expected, test: (v: number) => boolean): Expected {
  const out: Expected = new Map();
  for (const [k, m] of e) {
    const kept = new Map([...m].filter(([, v]) => test(v)));
    if (kept.size) out.set(k, kept);
  }
  return out;
}

for (const driver of drivers) {
  describe(`TraceQL metrics functions on ${driver}`, () => {
    let server: TestServer;
    let spans: RefSpan[];
    const range = async (q: string, start = START, end = END, step = STEP): Promise<MetricsBody> => {
      const qs = `q=${encodeURIComponent(q)}&start=${start}&end=${end}&step=${Number(step) / 1e9}`;
      const res = await fetch(`${server.url}/api/metrics/query_range?${qs}`);
      const text = await res.text();
      assert.equal(res.status, 200, `${q}: ${text}`);
      return JSON.parse(text) as MetricsBody;
    };
    const merge = (specs: RangeSpec[], start = START, end = END, step = STEP) => {
      const out: Expected = new Map();
      for (const spec of specs) for (const [k, v] of expectRange(spans, spec, start, end, step)) out.set(k, v);
      return out;
    };

    before(async () => {
      server = await startTestServer(driver);
      spans = await loadMetricsDataset(server);
    });
    after(() => server?.close());

    test('every first-stage function equals the reference', async () => {
      for (const [q, specs] of CASES) {
        const want = merge(specs);
        assert.ok(want.size > 0, `${q}: the dataset exercises this query`);
        sameSeries(gotRange(await range(q)), want, q);
      }
    });

    test('topk, bottomk and comparisons apply per interval, left to right', async () => {
      const bySvc = merge([counts((sp) => [svc(sp)])]);
      const q = '{} | count_over_time() by (resource.service.name)';
      sameSeries(gotRange(await range(`${q} | topk(1)`)), topK(bySvc, 1, true), 'topk(1)');
      sameSeries(gotRange(await range(`${q} | bottomk(2)`)), topK(bySvc, 2, false), 'bottomk(2)');
      sameSeries(gotRange(await range(`${q} | topk(5)`)), bySvc, 'topk above the series count');
      sameSeries(gotRange(await range(`${q} > 5`)), filter(bySvc, (v) => v > 5), '> 5');
      sameSeries(gotRange(await range(`${q} > 5 | topk(1)`)), topK(filter(bySvc, (v) => v > 5), 1, true), '> 5 | topk(1)');
      sameSeries(gotRange(await range(`${q} | topk(2) <= 6`)), filter(topK(bySvc, 2, true), (v) => v <= 6), 'topk(2) <= 6');
      sameSeries(gotRange(await range(`${q} != 0`)), filter(bySvc, (v) => v !== 0), '!= 0');
      const maxDur = merge([{ pred: all, labels: (sp) => [svc(sp)], agg: (x) => Math.max(...x.map((y) => secs(y.durNs))), empty: NaN }]);
      const got = gotRange(await range('{} | max_over_time(duration) by (resource.service.name) > 500ms'));
      sameSeries(got, filter(maxDur, (v) => v > 0.5), 'durations compare in seconds');
    });

    test('instant queries aggregate [start, end] into one value per series', async () => {
      const start = baseNs + 90_000_000_000n;
      const end = baseNs + 400_123_000_000n;
      const cases: [string, RangeSpec][] = [
        ['{} | count_over_time() by (resource.service.name)', counts((sp) => [svc(sp)])],
        ['{} | rate()', { pred: all, labels: () => [lbl('__name__', s('rate'))], agg: (x) => x.length / secs(end - start), empty: 0 }],
        [
          '{ status = error } | quantile_over_time(duration, .5) by (resource.service.name)',
          { pred: (sp) => sp.status === 2, labels: (sp) => [svc(sp), lbl('p', d(0.5))], agg: (x) => quantile(x.map((y) => secs(y.durNs)), 0.5), empty: 0 },
        ],
        ['{} | min_over_time(span.app.ratio)', {
          pred: (sp) => numAttr(sp, 'app.ratio') !== null, labels: () => [lbl('__name__', s('min_over_time'))],
          agg: (x) => Math.min(...x.map((y) => numAttr(y, 'app.ratio')!)), empty: NaN,
        }],
        ['{} | count_over_time() by (resource.service.name) | topk(1)', counts((sp) => (sp.service === 'api' ? [svc(sp)] : null))],
      ];
      const want0 = expectInstant(spans, cases[0][1], start, end);
      const topSvc = [...want0].sort(([ka, a], [kb, b]) => b - a || (ka < kb ? 1 : -1))[0][0];
      cases[4][1] = counts((sp) => (svc(sp) === topSvc ? [svc(sp)] : null));
      for (const [q, spec] of cases) {
        const res = await fetch(`${server.url}/api/metrics/query?q=${encodeURIComponent(q)}&start=${start}&end=${end}`);
        const text = await res.text();
        assert.equal(res.status, 200, `${q}: ${text}`);
        sameInstant(gotInstant(JSON.parse(text)), expectInstant(spans, spec, start, end), q);
      }
    });

    test('default step follows Tempo: a 240th of the window, snapped down', async () => {
      const hour = await fetch(`${server.url}/api/metrics/query_range?q=${encodeURIComponent('{} | count_over_time()')}&start=${baseS - 1800}&end=${baseS + 1800}`);
      const body = (await hour.json()) as MetricsBody;
      const want = merge([counts(() => [lbl('__name__', s('count_over_time'))])], (baseNs - 1_800_000_000_000n), baseNs + 1_800_000_000_000n, 15_000_000_000n);
      sameSeries(gotRange(body), want, '1 h window, 15 s step');
      const short = await fetch(`${server.url}/api/metrics/query_range?q=${encodeURIComponent('{} | count_over_time()')}&start=${baseS}&end=${baseS + 50}`);
      const stamps = ((await short.json()) as MetricsBody).series[0].samples.map((x) => Number(x.timestampMs));
      assert.ok(stamps.length > 200);
      for (let i = 1; i < stamps.length; i++) assert.equal(stamps[i] - stamps[i - 1], 200, '50 s window: 200 ms step');
    });
  });
}
