import assert from 'node:assert/strict';
import { test } from 'node:test';
import { histogramQuantile } from './histogram-quantile.ts';

const bounds = [0.1, 0.2, 0.4];

test('interpolates inside the bucket holding the rank, the first bucket starting at 0', () => {
  // 4 observations: 1 <= 0.1, 2 more <= 0.2, 1 more <= 0.4.
  assert.equal(histogramQuantile(0.5, bounds, [1, 3, 4], 4), 0.1 + 0.1 * 0.5);
  assert.equal(histogramQuantile(0.25, bounds, [1, 3, 4], 4), 0.1);
  assert.ok(Math.abs(histogramQuantile(0.1, bounds, [1, 3, 4], 4)! - 0.04) < 1e-12);
  assert.equal(histogramQuantile(1, bounds, [1, 3, 4], 4), 0.4);
});

test('a rank in the +Inf bucket answers the highest finite bound; no observations answer null', () => {
  assert.equal(histogramQuantile(0.95, bounds, [0, 0, 1], 10), 0.4);
  assert.equal(histogramQuantile(0.5, bounds, [0, 0, 0], 0), null);
});
