// Flame graph layout and zoom against positions worked out by hand (trace-stats-fixture.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flameFrames, layoutFlame } from './flame-graph.ts';
import { TRACE_A, fixtureTrace } from './trace-stats-fixture.ts';
import { buildTraceModel } from './trace-model.ts';

const model = buildTraceModel(fixtureTrace(TRACE_A, 'aa'.repeat(16), 1_700_000_000_000_000_000n));
const layout = layoutFlame(model);
const idx = (name: string) => model.spans.find((s) => s.name === name)!.index;
const edges = (name: string) => [layout.x0[idx(name)], layout.x1[idx(name)]].map((x) => Math.round(x) / 1000);
const px = (v: number) => Math.round(v * 100) / 100;

test('children are packed from the parent edge, widths are durations', () => {
  assert.equal(layout.total, 100_000);
  assert.deepEqual(edges('GET /orders'), [0, 100]);
  assert.deepEqual(edges('auth'), [0, 10]);
  assert.deepEqual(edges('load order'), [10, 60]);
  assert.deepEqual(edges('render'), [60, 80]);
  assert.equal(layout.squeezed[idx('GET /orders')], 0);
});

test('children lasting longer than their parent are squeezed to fit, keeping proportions', () => {
  // 60 ms of children under a 50 ms span: each 20 ms child gets 50/3 ms.
  assert.equal(layout.squeezed[idx('load order')], 1);
  assert.deepEqual(edges('SELECT orders'), [10, 26.667]);
  assert.deepEqual(edges('SELECT items'), [26.667, 43.333]);
  assert.deepEqual(edges('cache get'), [43.333, 60]);
});

test('frames for the whole trace at 1000 px', () => {
  const v = flameFrames(model, layout, -1, 1000);
  assert.equal(v.hidden, 0);
  const byName = Object.fromEntries(v.frames.map((f) => [model.spans[f.span].name, [px(f.x), px(f.w), f.depth]]));
  assert.deepEqual(byName, {
    'GET /orders': [0, 1000, 0],
    auth: [0, 100, 1],
    'load order': [100, 500, 1],
    'SELECT orders': [100, 166.67, 2],
    'SELECT items': [266.67, 166.67, 2],
    'cache get': [433.33, 166.67, 2],
    render: [600, 200, 1],
  });
});

test('zooming in on a frame: it fills the width, ancestors span it, others drop out', () => {
  const v = flameFrames(model, layout, idx('load order'), 1000);
  assert.deepEqual(
    v.frames.map((f) => [model.spans[f.span].name, px(f.x), px(f.w), f.ancestor]),
    [
      ['GET /orders', 0, 1000, true],
      ['load order', 0, 1000, false],
      ['SELECT orders', 0, 333.33, false],
      ['SELECT items', 333.33, 333.33, false],
      ['cache get', 666.67, 333.33, false],
    ],
  );
});

test('frames narrower than the minimum are left out with their subtrees', () => {
  // At 20 px for 100 ms, load order is 10 px and its children 3.3 px; with a 5 px minimum the
  // children go, and auth (2 px) too.
  const v = flameFrames(model, layout, -1, 20, 5);
  assert.deepEqual(v.frames.map((f) => model.spans[f.span].name), ['GET /orders', 'load order']);
  assert.equal(v.hidden, 5);
});
