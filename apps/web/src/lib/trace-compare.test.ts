// The merged operation-path tree of two traces, against the differences worked out by hand
// between TRACE_A and TRACE_B (trace-stats-fixture.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareRows, compareTraces, nodeDelta, type CompareNode } from './trace-compare.ts';
import { TRACE_A, TRACE_B, fixtureTrace } from './trace-stats-fixture.ts';
import { buildTraceModel } from './trace-model.ts';

const T0 = 1_700_000_000_000_000_000n;
const a = buildTraceModel(fixtureTrace(TRACE_A, 'aa'.repeat(16), T0));
const b = buildTraceModel(fixtureTrace(TRACE_B, 'bb'.repeat(16), T0 + 5_000_000_000n));
const cmp = compareTraces(a, b);

/** Each node as "depth service:operation state countA/countB". */
function outline(nodes: readonly CompareNode[]): string[] {
  const out: string[] = [];
  const walk = (n: CompareNode) => {
    out.push(`${n.depth} ${n.service}:${n.operation} ${n.state} ${n.a?.count ?? '-'}/${n.b?.count ?? '-'}`);
    n.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}

test('paths only in A, only in B, changed and the same', () => {
  assert.deepEqual(outline(cmp.roots), [
    '0 api:GET /orders same 1/1',
    '1 auth:auth same 1/1',
    '1 api:load order same 1/1',
    '2 db:SELECT orders changed 1/2',
    '2 db:SELECT items same 1/1',
    '2 cache:cache get onlyA 1/-',
    '1 api:render same 1/1',
    '1 audit:audit onlyB -/1',
  ]);
  assert.deepEqual(cmp.summary, { nodes: { onlyA: 1, onlyB: 1, changed: 1, same: 5 }, spansOnlyA: 1, spansOnlyB: 1 });
});

test('durations and differences B − A', () => {
  const root = cmp.roots[0];
  assert.deepEqual(nodeDelta(root), { count: 0, mean: 20_000, meanPercent: 20, total: 20_000 });
  const load = root.children[1];
  assert.equal(load.operation, 'load order');
  assert.deepEqual(nodeDelta(load), { count: 0, mean: 20_000, meanPercent: 40, total: 20_000 });
  const selects = load.children[0];
  assert.deepEqual(selects.b, { count: 2, errors: 0, total: 40_000, mean: 20_000, min: 20_000, max: 20_000 });
  assert.deepEqual(nodeDelta(selects), { count: 1, mean: 0, meanPercent: 0, total: 20_000 });
  assert.equal(nodeDelta(load.children[2]), undefined, 'only in A: no difference to show');
  assert.equal(root.children[2].a!.errors, 1, 'render failed in A');
});

test('rows follow collapse state', () => {
  const all = compareRows(cmp.roots, new Set());
  assert.equal(all.length, 8);
  assert.deepEqual(all.map((r) => r.hasChildren), [true, false, true, false, false, false, false, false]);
  const load = cmp.roots[0].children[1];
  assert.deepEqual(compareRows(cmp.roots, new Set([load.key])).map((r) => r.node.operation), ['GET /orders', 'auth', 'load order', 'render', 'audit']);
  assert.equal(compareRows(cmp.roots, new Set([cmp.roots[0].key])).length, 1);
});

test('keys are unique even when names repeat at different depths', () => {
  // A chain where the same operation calls itself: every level is its own path.
  const rows: Parameters<typeof fixtureTrace>[0] = [
    ['c000000000000001', '', 'svc', 'op', 0, 10],
    ['c000000000000002', 'c000000000000001', 'svc', 'op', 1, 9],
    ['c000000000000003', 'c000000000000002', 'svc', 'op', 2, 8],
  ];
  const m = buildTraceModel(fixtureTrace(rows, 'cc'.repeat(16), T0));
  const r = compareRows(compareTraces(m, m).roots, new Set());
  assert.equal(new Set(r.map((x) => x.node.key)).size, 3);
  assert.deepEqual(r.map((x) => [x.node.depth, x.node.state]), [[0, 'same'], [1, 'same'], [2, 'same']]);
});

test('a deep chain does not overflow the stack', () => {
  const rows: Parameters<typeof fixtureTrace>[0] = [];
  for (let i = 0; i < 20_000; i++) rows.push([(i + 1).toString(16).padStart(16, '0'), i ? i.toString(16).padStart(16, '0') : '', 'svc', `op${i % 3}`, i * 0.001, 100 - i * 0.001]);
  const m = buildTraceModel(fixtureTrace(rows, 'dd'.repeat(16), T0));
  const c = compareTraces(m, buildTraceModel(fixtureTrace(rows.slice(0, 10_000), 'ee'.repeat(16), T0)));
  assert.deepEqual(c.summary.nodes, { onlyA: 10_000, onlyB: 0, changed: 0, same: 10_000 });
  assert.equal(compareRows(c.roots, new Set()).length, 20_000);
});
