import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultStepNs, instantWindow, intervalOf, intervalTimestampMs, rangeWindow } from './metrics-time.ts';

const S = 1_000_000_000n;

test("default step: a 240th of the window, floored to a multiple of the largest granularity below it (Tempo's rule)", () => {
  const cases: [bigint, bigint][] = [
    [3600n * S, 15n * S], // 15 s baseline: not above 15 s, so 5 s multiples
    [3n * 3600n * S, 45n * S],
    [6n * 3600n * S, 60n * S],
    [24n * 3600n * S, 300n * S],
    [300n * S, S],
    [120n * S, S],
    [50n * S, 200_000_000n],
    [5n * S, 50_000_000n],
  ];
  for (const [window, step] of cases) assert.equal(defaultStepNs(1000n * S, 1000n * S + window), step, `window ${window / S}s`);
});

test('range windows align to the step with one extra interval before the start; intervals are right-closed', () => {
  const w = rangeWindow(1010n * S, 1590n * S, 60n * S);
  assert.equal(w.fromNs, 900n * S + 1n);
  assert.equal(w.toNs, 1620n * S);
  assert.equal(w.intervals, 12);
  assert.equal(intervalTimestampMs(w, 0), 960_000n);
  assert.equal(intervalTimestampMs(w, 11), 1_620_000n);
  assert.equal(intervalOf(w, 960n * S), 0, 't = 960 s is in (900, 960]');
  assert.equal(intervalOf(w, 960n * S + 1n), 1);
  assert.equal(intervalOf(w, 900n * S), -1);
  assert.equal(intervalOf(w, 1620n * S + 1n), -1);
});

test('instant windows are [start, end], one interval, step = end - start', () => {
  const w = instantWindow(10n * S, 70n * S);
  assert.deepEqual([w.fromNs, w.toNs, w.stepNs, w.intervals], [10n * S, 70n * S, 60n * S, 1]);
  assert.equal(intervalOf(w, 10n * S), 0);
  assert.equal(intervalOf(w, 70n * S), 0);
});
