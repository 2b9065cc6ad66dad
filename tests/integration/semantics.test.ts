// TraceQL semantic acceptance: on a generated dataset (nested traces across services, errors,
// events, links, scopes, typed and array attributes), hand-written queries covering the language
// and random queries from the grammar return, through `GET /api/search` on Postgres and PGlite,
// exactly what the in-memory reference evaluator returns: the same traces in the same order, and
// per trace the same spansets (span ids, `by()` attributes) and the same shown span attributes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeBody } from '@tracegres/loadgen';
import type { AnyValue } from '@tracegres/otlp';
import { type Node, type Query, parse, validate } from '@tracegres/traceql';
import { defaultCompactionSettings } from '../../apps/api/src/compaction/context.ts';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { type EvalSpanset, type EvalTrace, type GroupValue, collectTraces, evaluateSearchSpansets } from '../support/evaluator.ts';
import type { EvalSpan } from '../support/evaluator-data.ts';
import { valueOf } from '../support/evaluator-fields.ts';
import { QueryGenerator } from '../support/query-generator.ts';
import { semanticDataset } from '../support/semantic-dataset.ts';
import { HAND_QUERIES, REJECTED } from '../support/semantic-queries.ts';

const baseS = Math.floor(Date.now() / 1000) - 3000;
// 50 traces 2 s apart: the window below is searched in two slices (search.ts), which keeps the
// 450+ queries quick on PGlite.
const dataset = semanticDataset(20240917, 50, BigInt(baseS) * 1_000_000_000n);
const traces = collectTraces(dataset);
const window = `start=${baseS - 5}&end=${baseS + 110}`;
const RANDOM = Number(process.env.SEMANTICS_RANDOM ?? 120);
const randomQueries = new QueryGenerator(Number(process.env.SEMANTICS_SEED ?? 1)).queries(RANDOM);
/** Id intrinsics compared with ids the dataset really has (one trace id has leading zeros). */
function idQueries(): string[] {
  const all = [...traces.values()];
  const zero = all.find((t) => t.traceId.startsWith('0'))!;
  const linked = all.flatMap((t) => t.spans).find((s) => s.links.some((l) => l.traceId.startsWith('0')))!;
  const link = linked.links.find((l) => l.traceId.startsWith('0'))!;
  const child = all.flatMap((t) => t.spans).find((s) => s.parentSpanId)!;
  return [
    `{ trace:id = "${zero.traceId.replace(/^0+/, '')}" }`, `{ span:id = "${child.spanId}" }`, `{ span:parentID = "${child.parentSpanId}" }`,
    `{ link:traceID = "${link.traceId}" }`, `{ link:spanID = "${link.spanId}" }`, `{ trace:id = "${zero.traceId.replace(/^0+/, '')}" } >> { }`,
  ];
}
const handQueries = [...Object.values(HAND_QUERIES).flat(), ...idQueries()];

/** Go's Duration.String(), written here independently of the API's. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const trim = (x: number, unit: string) => `${Number(x.toFixed(9))}${unit}`;
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return trim(ns / 1e3, 'µs');
  if (ns < 1e9) return trim(ns / 1e6, 'ms');
  const h = Math.floor(ns / 3600e9);
  const m = Math.floor((ns % 3600e9) / 60e9);
  return (h ? `${h}h` : '') + (h || m ? `${m}m` : '') + trim((ns % 60e9) / 1e9, 's');
}

function groupJson(v: GroupValue): Record<string, unknown> {
  switch (v.type) {
    case 'int': return { intValue: String(v.value) };
    case 'float': case 'number': return { doubleValue: v.value };
    case 'bool': return { boolValue: v.value };
    case 'duration': return { stringValue: goDuration(v.value as number) };
    case 'nil': return { stringValue: 'nil' };
    default: return { stringValue: v.value };
  }
}

function anyJson(v: AnyValue): Record<string, unknown> {
  switch (v.type) {
    case 'string': return { stringValue: v.value };
    case 'bool': return { boolValue: v.value };
    case 'int': return { intValue: v.value.toString() };
    case 'double': return { doubleValue: v.value };
    // jsonpb leaves out empty repeated fields: an empty array is `{ arrayValue: {} }`.
    case 'array': return { arrayValue: v.value.length ? { values: v.value.map(anyJson) } : {} };
    default: return { other: v.type };
  }
}

/** What a shown span carries: attributes the query names (first mention of a key wins), then status/kind/statusMessage. */
function expectedSpan(q: Query, s: EvalSpan, t: EvalTrace) {
  const attrs: Record<string, unknown> = {};
  const intrinsics = new Set<string>();
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as Node;
    if (node.kind === 'attribute') {
      const v = valueOf(node, s, t);
      if (!node.parent && v?.t === 'any' && !(node.name in attrs)) attrs[node.name] = anyJson(v.v);
      return;
    }
    if (node.kind === 'intrinsic') return void intrinsics.add(node.name);
    for (const [k, v] of Object.entries(node)) if (k !== 'pos' && k !== 'opPos') visit(v);
  };
  visit(q.body);
  if (intrinsics.has('span:status')) attrs.status = { stringValue: ['unset', 'ok', 'error'][s.status] };
  if (intrinsics.has('span:kind')) attrs.kind = { stringValue: ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'][s.kind] };
  if (intrinsics.has('span:statusMessage')) attrs.statusMessage = { stringValue: s.statusMessage };
  return { attrs, name: intrinsics.has('span:name') ? s.name : undefined };
}

interface GotSpanSet {
  matched: number;
  spans: { spanID: string; name?: string; attributes: { key: string; value: Record<string, unknown> }[] }[];
  attributes?: { key: string; value: Record<string, unknown> }[];
}

const setKey = (ids: string[], by: unknown) => JSON.stringify({ ids: [...ids].sort(), by });

function check(q: string, body: { traces: { traceID: string; spanSets: GotSpanSet[] }[] }): void {
  const ast = parse(q);
  const want = evaluateSearchSpansets(ast, traces.values());
  assert.deepEqual(body.traces.map((t) => t.traceID), want.map((w) => w.trace.traceId.replace(/^0+/, '')), `${q}: traces`);
  for (const [i, w] of want.entries()) {
    const got = body.traces[i];
    const wantSets = w.sets.map((ss: EvalSpanset) => setKey([...ss.spans].map((s) => s.spanId), ss.by.map((b) => ({ key: b.label, value: groupJson(b.value) })))).sort();
    const gotSets = got.spanSets.map((ss) => {
      assert.equal(ss.matched, ss.spans.length, `${q}: matched of ${got.traceID}`);
      return setKey(ss.spans.map((s) => s.spanID), ss.attributes ?? []);
    }).sort();
    assert.deepEqual(gotSets, wantSets, `${q}: spansets of ${got.traceID}`);
    const byId = new Map(w.trace.spans.map((s) => [s.spanId, s]));
    for (const ss of got.spanSets) {
      for (const sp of ss.spans) {
        const exp = expectedSpan(ast, byId.get(sp.spanID)!, w.trace);
        assert.deepEqual(Object.fromEntries(sp.attributes.map((a) => [a.key, a.value])), exp.attrs, `${q}: attributes of span ${sp.spanID}`);
        assert.equal(sp.name, exp.name, `${q}: name of span ${sp.spanID}`);
      }
    }
  }
}

for (const driver of drivers) {
  describe(`TraceQL semantics on ${driver}`, () => {
    let server: TestServer;
    const search = async (q: string) => {
      const res = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}&${window}&limit=1000&spss=0`);
      const text = await res.text();
      return { status: res.status, text, body: res.status === 200 ? JSON.parse(text) : undefined };
    };
    const run = async (queries: string[]) => {
      const failures: string[] = [];
      const timings: [number, string][] = [];
      for (const q of queries) {
        validate(parse(q));
        const t0 = performance.now();
        const r = await search(q);
        timings.push([performance.now() - t0, q]);
        try {
          assert.equal(r.status, 200, `${q}: ${r.text}`);
          check(q, r.body);
        } catch (e) {
          failures.push((e as Error).message.split('\n').slice(0, 12).join('\n'));
        }
      }
      if (process.env.SEARCH_TIMINGS) console.log(timings.sort((a, b) => b[0] - a[0]).slice(0, 15).map(([ms, q]) => `${ms.toFixed(0)}ms ${q}`).join('\n'));
      assert.equal(failures.length, 0, `${failures.length} of ${queries.length} queries differ:\n\n${failures.join('\n\n')}`);
    };

    before(async () => {
      // Hour partitions on both drivers, so a later test can close them with a clock 3 h ahead.
      server = await startTestServer(driver, { PARTITION_INTERVAL: '1h' });
      for (const td of dataset) {
        const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeBody(td) as Uint8Array<ArrayBuffer> });
        assert.equal(res.status, 200);
      }
    });
    after(() => server?.close());

    test('the dataset has what the queries need', () => {
      const spans = [...traces.values()].flatMap((t) => t.spans);
      assert.ok(spans.length > 200, `${spans.length} spans`);
      assert.ok(spans.some((s) => s.events.length > 1) && spans.some((s) => s.links.length > 1));
      assert.ok(spans.some((s) => s.status === 2) && spans.some((s) => s.attrs.get('tags')?.type === 'array'));
      assert.ok(handQueries.length + randomQueries.length >= 200, `${handQueries.length} + ${randomQueries.length} queries`);
    });

    test(`hand-written queries (${handQueries.length}) equal the evaluator`, () => run(handQueries));

    test(`random queries from the grammar (${randomQueries.length}) equal the evaluator`, () => run(randomQueries));

    test('after the compaction job numbered every trace, structural queries still equal the evaluator', async () => {
      const summary = await runCompaction({
        db: server.deps.db,
        partitions: server.deps.partitions,
        now: () => Date.now() + 60_000,
        settings: defaultCompactionSettings(server.deps.config.retentionSeconds, 0),
      });
      assert.equal(summary.tracesNumbered, traces.size, 'every trace numbered');
      const structural = [...handQueries, ...randomQueries].filter((q) => /[>}<~]\s*[!&]?(>>?|<<?|~)|\)\s*[!&]?(>>?|<<?|~)/.test(q));
      assert.ok(structural.length > 30, `${structural.length} structural queries`);
      await run(structural);
    });

    test('once closed partitions moved into per-trace blocks, every query still equals the evaluator', async () => {
      const summary = await runCompaction({
        db: server.deps.db,
        partitions: server.deps.partitions,
        now: () => Date.now() + 3 * 3600_000,
        settings: defaultCompactionSettings(server.deps.config.retentionSeconds, 0),
      });
      // The structural test's pass may have closed a partition already, depending on the hour.
      assert.ok(summary.ran);
      const [left] = await server.deps.db.query<{ rows: number; blocked: number }>(
        `select (select count(*)::int4 from spans) as rows, (select coalesce(sum(span_count), 0)::int4 from span_blocks) as blocked`,
      );
      assert.deepEqual(left, { rows: 0, blocked: [...traces.values()].reduce((n, t) => n + t.spans.length, 0) });
      await run([...handQueries, ...randomQueries]);
    });

    test('constructs outside the compiler are 400s naming them', async () => {
      for (const [q, re] of REJECTED) {
        const r = await search(q);
        assert.equal(r.status, 400, `${q}: ${r.text}`);
        assert.match(r.text, re, q);
      }
    });
  });
}
