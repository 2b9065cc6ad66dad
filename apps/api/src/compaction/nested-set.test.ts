import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nestedSets } from './nested-set.ts';

const span = (spanId: string, parentSpanId: string, startNs: number) => ({ spanId, parentSpanId, startNs: BigInt(startNs) });

test('numbers a tree depth-first, children by start time', () => {
  //   a
  //  / \
  // c   b      (b starts before c)
  // |
  // d
  const n = nestedSets([span('a', '', 0), span('c', 'a', 20), span('b', 'a', 10), span('d', 'c', 30)]);
  assert.deepEqual(Object.fromEntries(n), {
    a: { left: 1, right: 8, depth: 0 },
    b: { left: 2, right: 3, depth: 1 },
    c: { left: 4, right: 7, depth: 1 },
    d: { left: 5, right: 6, depth: 2 },
  });
});

test('a span whose parent is missing roots its own range; ranges never overlap', () => {
  const n = nestedSets([span('x', 'gone', 5), span('a', '', 0), span('y', 'x', 6)]);
  assert.deepEqual(n.get('a'), { left: 1, right: 2, depth: 0 });
  assert.deepEqual(n.get('x'), { left: 3, right: 6, depth: 0 });
  assert.deepEqual(n.get('y'), { left: 4, right: 5, depth: 1 });
});

test('a parent cycle is cut instead of looping', () => {
  const n = nestedSets([span('p', 'q', 1), span('q', 'p', 2)]);
  assert.equal(n.size, 2);
  const [p, q] = [n.get('p')!, n.get('q')!];
  assert.ok(p.left < q.left && q.right < p.right, 'q under p: the walk starts at the earliest span');
});

test('a 100,000-deep chain does not overflow the stack', () => {
  const spans = Array.from({ length: 100_000 }, (_, i) => span(`s${i}`, i ? `s${i - 1}` : '', i));
  const n = nestedSets(spans);
  assert.deepEqual(n.get('s99999'), { left: 100_000, right: 100_001, depth: 99_999 });
  assert.deepEqual(n.get('s0'), { left: 1, right: 200_000, depth: 0 });
});
