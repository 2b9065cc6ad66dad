import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration, goFloat, promLabels } from './metrics-labels.ts';

test("durations as Go's time.Duration.String()", () => {
  const cases: [bigint, string][] = [
    [0n, '0s'], [2n, '2ns'], [1_500n, '1.5µs'], [1_500_000n, '1.5ms'], [1_000_000_000n, '1s'],
    [61_500_000_000n, '1m1.5s'], [3_600_000_000_000n, '1h0m0s'], [3_723_004_000_000n, '1h2m3.004s'], [-1_500_000n, '-1.5ms'],
  ];
  for (const [ns, s] of cases) assert.equal(goDuration(ns), s);
});

test("floats as Go's %g with shortest digits", () => {
  const cases: [number, string][] = [[0.9, '0.9'], [1, '1'], [123456, '123456'], [1e6, '1e+06'], [1234567, '1.234567e+06'], [0.0001, '0.0001'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [-2.5, '-2.5']];
  for (const [x, s] of cases) assert.equal(goFloat(x), s);
});

test('promLabels sort by name and mark empty and nil strings', () => {
  assert.equal(
    promLabels([
      { key: 'span.b', value: { type: 'string', value: '' } },
      { key: 'p', value: { type: 'double', value: 0.99 } },
      { key: 'a', value: { type: 'string', value: 'nil' } },
      { key: 'n', value: { type: 'int', value: 5n } },
    ]),
    '{a="<nil>", n="5", p="0.99", span.b="<empty>"}',
  );
});
