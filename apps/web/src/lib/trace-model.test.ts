// The trace model on hand-built traces whose answers were worked out on paper.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Span, TracesData } from '@tracegres/otlp';
import { findSpans, parseFind } from './find.ts';
import { collapseAll, collapseOneLevel, expandOneLevel, revealSpan, visibleRows } from './collapse.ts';
import { buildTraceModel, type TraceModel } from './trace-model.ts';

const T0 = 1_700_000_000_000_000_000n;

/** [spanId, parentId, service, start ms, end ms, error?] */
type Row = [string, string, string, number, number, boolean?];

function trace(rows: Row[]): TracesData {
  const byService = new Map<string, Span[]>();
  for (const [id, parent, service, start, end, error] of rows) {
    const span: Span = {
      traceId: 'ab'.repeat(16), spanId: id, parentSpanId: parent, traceState: '', name: `op-${id}`, kind: 1,
      startTimeUnixNano: T0 + BigInt(start * 1e6), endTimeUnixNano: T0 + BigInt(end * 1e6),
      attributes: [], droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: error ? 2 : 0, message: '' }, flags: 0,
    };
    byService.set(service, [...(byService.get(service) ?? []), span]);
  }
  return {
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: service } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
    })),
  };
}

const ids = (m: TraceModel, order: ArrayLike<number>) => Array.from(order, (i) => m.spans[i].spanId);
const byId = (m: TraceModel, id: string) => m.spans.find((s) => s.spanId === id)!;
const critical = (m: TraceModel) =>
  Object.fromEntries([...m.critical].map(([i, segs]) => [m.spans[i].spanId, segs.map((s) => [s.start / 1000, s.end / 1000])]));

test('a well-formed trace: order, depth, times, services', () => {
  // root 0-100 ms; a 10-40 (b) with a1 15-30 (c); b 50-90 (b); spans listed out of order on purpose
  const m = buildTraceModel(trace([
    ['b', 'r', 'svc-b', 50, 90],
    ['a1', 'a', 'svc-c', 15, 30, true],
    ['r', '', 'svc-a', 0, 100],
    ['a', 'r', 'svc-b', 10, 40],
  ]));
  assert.deepEqual(ids(m, m.order), ['r', 'a', 'a1', 'b']);
  assert.deepEqual(m.roots.map((i) => m.spans[i].spanId), ['r']);
  assert.equal(m.duration, 100_000);
  assert.equal(byId(m, 'a1').depth, 2);
  assert.equal(byId(m, 'a1').start, 15_000);
  assert.equal(m.maxDepth, 2);
  assert.equal(m.errorCount, 1);
  assert.equal(m.orphanCount, 0);
  assert.equal(m.rootService, 'svc-a');
  assert.deepEqual(m.services.map((s) => [s.name, s.spans, s.errors]), [['svc-a', 1, 0], ['svc-b', 2, 0], ['svc-c', 1, 1]]);
  assert.equal(m.subtreeEnd[byId(m, 'a').index], 3, "a's subtree is rows 1..2");
});

test('spans whose parent is missing become extra roots, marked as orphans', () => {
  // r 0-50; x (parent "gone" not received) 20-80 with child y 30-40; z (parent "gone2") 5-10
  const m = buildTraceModel(trace([
    ['r', '', 'a', 0, 50],
    ['x', 'gone', 'b', 20, 80],
    ['y', 'x', 'b', 30, 40],
    ['z', 'gone2', 'c', 5, 10],
  ]));
  assert.deepEqual(m.roots.map((i) => m.spans[i].spanId), ['r', 'z', 'x'], 'roots by start time');
  assert.deepEqual(ids(m, m.order), ['r', 'z', 'x', 'y']);
  assert.equal(m.orphanCount, 2);
  assert.ok(byId(m, 'x').orphan && byId(m, 'z').orphan && !byId(m, 'y').orphan);
  assert.equal(byId(m, 'y').depth, 1);
  assert.equal(m.duration, 80_000, 'the trace ends with the orphan x');
});

test('parent loops and self-parents do not lose spans', () => {
  // p -> q -> p (a loop) and s -> s (itself); r is a proper root
  const m = buildTraceModel(trace([
    ['r', '', 'a', 0, 10],
    ['p', 'q', 'a', 1, 2],
    ['q', 'p', 'a', 3, 4],
    ['s', 's', 'a', 5, 6],
  ]));
  assert.equal(m.order.length, 4);
  assert.deepEqual(new Set(ids(m, m.order)), new Set(['r', 'p', 'q', 's']));
  assert.ok(byId(m, 's').orphan, 'a self-parent is an orphan root');
  assert.ok(byId(m, 'p').orphan, 'the loop is cut at its first span');
  assert.equal(byId(m, 'q').parent, byId(m, 'p').index);
});

test('clock-skewed children stay under their parent and are flagged', () => {
  // server span s 10-60; its client parent c 12-50 (the server's clock runs 2 ms behind)
  const m = buildTraceModel(trace([
    ['c', '', 'front', 12, 50],
    ['s', 'c', 'back', 10, 60],
  ]));
  assert.deepEqual(ids(m, m.order), ['c', 's']);
  assert.equal(byId(m, 's').skew, 10_000, 'ends 10 ms after its parent (starts 2 ms before)');
  assert.equal(byId(m, 'c').skew, 0);
  assert.equal(byId(m, 's').start, 0, 'the trace starts at the earliest span, the skewed child');
  assert.equal(byId(m, 'c').start, 2000);
  assert.equal(m.duration, 50_000);
});

test('critical path: last-finishing child, then the sibling finished before it started', () => {
  // r 0-100; a 10-40; b 30-70; c 75-90; d 20-25 (inside a's time, hidden behind it)
  // a1 (child of a) 15-35. Walking back from 100: r 90-100, c 75-90, r 70-75, b 30-70,
  // then the latest child ending by 30 is d (25), so r 25-30, d 20-25, r 0-20... a ends at 40 > 30: skipped.
  const m = buildTraceModel(trace([
    ['r', '', 's', 0, 100],
    ['a', 'r', 's', 10, 40],
    ['a1', 'a', 's', 15, 35],
    ['b', 'r', 's', 30, 70],
    ['c', 'r', 's', 75, 90],
    ['d', 'r', 's', 20, 25],
  ]));
  assert.deepEqual(critical(m), {
    r: [[0, 20], [25, 30], [70, 75], [90, 100]],
    c: [[75, 90]],
    b: [[30, 70]],
    d: [[20, 25]],
  });
});

test('critical path trims children that run past their parent', () => {
  // p 0-50 with child k 40-80 (skewed, ends after p); the path may only use k up to 50.
  // Nested: k has child g 45-70, also trimmed to 45-50.
  const m = buildTraceModel(trace([
    ['p', '', 's', 0, 50],
    ['k', 'p', 's', 40, 80],
    ['g', 'k', 's', 45, 70],
  ]));
  assert.deepEqual(critical(m), { p: [[0, 40]], k: [[40, 45]], g: [[45, 50]] });
});

test('critical path follows the root that ends last', () => {
  const m = buildTraceModel(trace([
    ['r1', '', 's', 0, 30],
    ['r2', 'missing', 's', 10, 60],
  ]));
  assert.deepEqual(critical(m), { r2: [[10, 60]] });
});

test('collapse and expand, all and one level at a time', () => {
  // r > a > a1 > a2 ; r > b
  const m = buildTraceModel(trace([
    ['r', '', 's', 0, 100], ['a', 'r', 's', 1, 50], ['a1', 'a', 's', 2, 40], ['a2', 'a1', 's', 3, 30], ['b', 'r', 's', 60, 90],
  ]));
  const none = new Uint8Array(m.spans.length);
  assert.deepEqual(ids(m, visibleRows(m, none)), ['r', 'a', 'a1', 'a2', 'b']);
  const all = collapseAll(m);
  assert.deepEqual(ids(m, visibleRows(m, all)), ['r']);
  const one = collapseOneLevel(m, none);
  assert.deepEqual(ids(m, visibleRows(m, one)), ['r', 'a', 'a1', 'b'], 'the deepest open parent (a1) folds first');
  const two = collapseOneLevel(m, one);
  assert.deepEqual(ids(m, visibleRows(m, two)), ['r', 'a', 'b']);
  const back = expandOneLevel(m, all);
  assert.deepEqual(ids(m, visibleRows(m, back)), ['r', 'a', 'b'], 'expanding one level from all-collapsed opens the root');
  const shown = revealSpan(m, all, byId(m, 'a2').index);
  assert.deepEqual(ids(m, visibleRows(m, shown)), ['r', 'a', 'a1', 'a2', 'b']);
  assert.equal(revealSpan(m, none, byId(m, 'a2').index), none, 'nothing to open: same array');
});

test('a 50,000-span chain builds without overflowing the stack', () => {
  const rows: Row[] = [['s0', '', 's', 0, 50_000]];
  for (let i = 1; i < 50_000; i++) rows.push([`s${i}`, `s${i - 1}`, 's', i, 50_000]);
  const m = buildTraceModel(trace(rows));
  assert.equal(m.maxDepth, 49_999);
  assert.equal(m.order[49_999], m.spans.length - 1);
  assert.equal(m.critical.size, 50_000);
});

test('find matches every term across name, service, attributes and ids', () => {
  const td = trace([['r', '', 'checkout', 0, 10], ['a', 'r', 'payments', 1, 5], ['b', 'r', 'checkout', 6, 9]]);
  const spans = td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  const raw = (id: string) => spans.find((x) => x.spanId === id)!;
  raw('a').attributes.push({ key: 'card.brand', value: { type: 'string', value: 'Visa' } });
  raw('b').events.push({ timeUnixNano: T0, name: 'cache miss', attributes: [], droppedAttributesCount: 0 });
  const m = buildTraceModel(td);
  const find = (q: string) => findSpans(m.spans, m.order, parseFind(q)).map((i) => m.spans[i].spanId);
  assert.deepEqual(find('checkout'), ['r', 'b'], 'by service');
  assert.deepEqual(find('visa'), ['a'], 'attribute values, case-insensitively');
  assert.deepEqual(find('card.brand=visa'), ['a'], 'key=value');
  assert.deepEqual(find('"cache miss"'), ['b'], 'a quoted phrase in an event name');
  assert.deepEqual(find('checkout op-b'), ['b'], 'every term must match');
  assert.deepEqual(find('b'), ['a', 'b'], 'the id b exactly, and op-b / card.brand by substring');
  assert.deepEqual(find('visa -card'), [], 'a -key term ignores attributes whose key contains it');
  assert.deepEqual(find(''), []);
});
