// Self time and per-group statistics against figures worked out by hand (trace-stats-fixture.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TRACE_A, fixtureTrace } from './trace-stats-fixture.ts';
import { buildTraceModel } from './trace-model.ts';
import { selfTimes, sortStats, traceStats } from './trace-stats.ts';

const model = buildTraceModel(fixtureTrace(TRACE_A, 'aa'.repeat(16), 1_700_000_000_000_000_000n));
const ms = (us: number) => Math.round(us) / 1000;

test('self time: duration minus the union of children clipped to the span', () => {
  const self = selfTimes(model.spans);
  const byName = Object.fromEntries(model.spans.map((s) => [s.name, ms(self[s.index])]));
  assert.deepEqual(byName, {
    'GET /orders': 20,
    auth: 10,
    'load order': 10, // SELECTs overlap (25-55 = 30), cache get clipped at 70 (10)
    'SELECT orders': 20,
    'SELECT items': 20,
    'cache get': 20,
    render: 20,
  });
});

test('self time is never negative, and overlapping or nested children count once', () => {
  const spans = [
    { start: 0, end: 10, duration: 10, children: [1, 2, 3] },
    { start: -5, end: 20, duration: 25, children: [] }, // covers the whole parent and more
    { start: 2, end: 4, duration: 2, children: [] },
    { start: 3, end: 3, duration: 0, children: [] },
  ];
  assert.deepEqual(Array.from(selfTimes(spans)), [0, 25, 2, 0]);
  const gaps = [
    { start: 0, end: 10, duration: 10, children: [1, 2] },
    { start: 6, end: 8, duration: 2, children: [] },
    { start: 1, end: 2, duration: 1, children: [] },
  ];
  assert.deepEqual(Array.from(selfTimes(gaps)), [7, 2, 1]);
});

test('statistics by service', () => {
  const rows = traceStats(model, 'service');
  assert.deepEqual(rows.map((r) => r.service), ['api', 'db', 'cache', 'auth'], 'largest self time first');
  const api = rows[0];
  assert.equal(api.operation, '');
  assert.equal(api.count, 3);
  assert.equal(api.errors, 1);
  assert.equal(ms(api.total), 170);
  assert.equal(ms(api.avg), 56.667);
  assert.equal(ms(api.min), 20);
  assert.equal(ms(api.max), 100);
  assert.equal(ms(api.selfTotal), 50);
  assert.equal(ms(api.selfAvg), 16.667);
  assert.equal(ms(api.selfMin), 10);
  assert.equal(ms(api.selfMax), 20);
  assert.equal(api.selfPercent.toFixed(2), '29.41'); // 50 / 170
  assert.equal(api.traceSharePercent.toFixed(2), '41.67'); // 50 / 120
  const db = rows[1];
  assert.deepEqual([db.count, ms(db.total), ms(db.selfTotal), db.selfPercent], [2, 40, 40, 100]);
  assert.equal(rows.reduce((a, r) => a + r.traceSharePercent, 0).toFixed(6), '100.000000');
});

test('statistics by operation and by service and operation', () => {
  const ops = traceStats(model, 'operation');
  assert.equal(ops.length, 7);
  assert.deepEqual(ops.map((r) => [r.operation, ms(r.selfTotal)]).slice(0, 2), [['cache get', 20], ['GET /orders', 20]], 'ties by name');
  assert.ok(ops.every((r) => r.service === ''));
  const pairs = traceStats(model, 'service-operation');
  const load = pairs.find((r) => r.operation === 'load order')!;
  assert.equal(load.service, 'api');
  assert.deepEqual([load.count, ms(load.total), ms(load.selfTotal), load.selfPercent], [1, 50, 10, 20]);
});

test('sorting statistics by a column', () => {
  const rows = traceStats(model, 'service');
  assert.deepEqual(sortStats(rows, 'count', 'desc').map((r) => r.service), ['api', 'db', 'auth', 'cache']);
  assert.deepEqual(sortStats(rows, 'service', 'asc').map((r) => r.service), ['api', 'auth', 'cache', 'db']);
  assert.deepEqual(sortStats(rows, 'max', 'asc').map((r) => r.service), ['auth', 'cache', 'db', 'api']);
});
