// The span table's sort and filter on the hand-checked trace of trace-stats-fixture.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterSpanRows, sortSpanRows, spanTableRows } from './span-table.ts';
import { TRACE_A, fixtureTrace } from './trace-stats-fixture.ts';
import { buildTraceModel } from './trace-model.ts';
import { selfTimes } from './trace-stats.ts';

const model = buildTraceModel(fixtureTrace(TRACE_A, 'aa'.repeat(16), 1_700_000_000_000_000_000n));
const rows = spanTableRows(model, selfTimes(model.spans));
const names = (ids: number[]) => ids.map((i) => rows[i].operation);

test('one row per span with offsets, durations, self time and status', () => {
  const load = rows.find((r) => r.operation === 'load order')!;
  assert.deepEqual([load.service, load.start, load.duration, load.selfTime, load.status, load.spanId], ['api', 20_000, 50_000, 10_000, 'unset', 'a000000000000003']);
  assert.equal(rows.find((r) => r.operation === 'render')!.status, 'error');
});

test('sorting: numbers, text, and ties by start time', () => {
  assert.deepEqual(names(sortSpanRows(rows, 'duration', 'desc')), ['GET /orders', 'load order', 'SELECT orders', 'SELECT items', 'cache get', 'render', 'auth']);
  assert.deepEqual(names(sortSpanRows(rows, 'selfTime', 'asc')), ['auth', 'load order', 'GET /orders', 'SELECT orders', 'SELECT items', 'cache get', 'render']);
  assert.deepEqual(names(sortSpanRows(rows, 'start', 'asc')), ['GET /orders', 'auth', 'load order', 'SELECT orders', 'SELECT items', 'cache get', 'render']);
  assert.deepEqual(names(sortSpanRows(rows, 'service', 'asc')), ['GET /orders', 'load order', 'render', 'auth', 'cache get', 'SELECT orders', 'SELECT items']);
  assert.deepEqual(names(sortSpanRows(rows, 'operation', 'desc')).slice(0, 2), ['SELECT orders', 'SELECT items']);
  assert.equal(names(sortSpanRows(rows, 'status', 'asc'))[0], 'render', '"error" sorts before "unset"');
});

test('filtering by free text, by column and in combination with sorting', () => {
  assert.deepEqual(names(filterSpanRows(rows, 'db')), ['SELECT orders', 'SELECT items']);
  assert.deepEqual(names(filterSpanRows(rows, 'SELECT  items')), ['SELECT items']);
  assert.deepEqual(names(filterSpanRows(rows, 'error')), ['render']);
  assert.deepEqual(names(filterSpanRows(rows, 'status:error')), ['render']);
  assert.deepEqual(names(filterSpanRows(rows, 'service:api order')), ['GET /orders', 'load order']);
  assert.deepEqual(names(filterSpanRows(rows, 'id:a000000000000006')), ['cache get']);
  assert.deepEqual(filterSpanRows(rows, 'nothing-like-this'), []);
  assert.equal(filterSpanRows(rows, '   ').length, 7);
  const within = filterSpanRows(rows, 'service:api');
  assert.deepEqual(names(sortSpanRows(rows, 'duration', 'asc', within)), ['render', 'load order', 'GET /orders']);
});
