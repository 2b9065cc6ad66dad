import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Span, TracesData } from './model.ts';
import { MAX_ERRORS, validateTracesData } from './validate.ts';
import { richTracesData, span, wrap } from '../test/fixtures.ts';

const link = (traceId: string, spanId: string) => ({ traceId, spanId, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 });

test('a valid request passes through untouched (same object)', () => {
  const td = richTracesData();
  const r = validateTracesData(td);
  assert.equal(r.valid, td);
  assert.equal(r.rejected, 0);
  assert.deepEqual(r.errors, []);
});

test('each rule rejects the span and names the path', () => {
  const cases: [Partial<Span>, string, string][] = [
    [{ traceId: 'ab'.repeat(15) }, 'traceId', 'must be 16 bytes, got 15'],
    [{ traceId: '' }, 'traceId', 'must be 16 bytes, got 0'],
    [{ traceId: '0'.repeat(32) }, 'traceId', 'must not be all zeros'],
    [{ traceId: 'AB'.repeat(16) }, 'traceId', 'must be 16 bytes, got non-hex "ABABABABABABABABABABABABABABABAB"'],
    [{ spanId: 'ab'.repeat(9) }, 'spanId', 'must be 8 bytes, got 9'],
    [{ spanId: '0'.repeat(16) }, 'spanId', 'must not be all zeros'],
    [{ parentSpanId: 'ab'.repeat(4) }, 'parentSpanId', 'must be empty or 8 bytes, got 4'],
    [{ links: [link('ab'.repeat(16), 'cd'.repeat(8)), link('ab'.repeat(8), 'cd'.repeat(8))] }, 'links[1].traceId', 'must be 16 bytes, got 8'],
    [{ links: [link('ab'.repeat(16), '')] }, 'links[0].spanId', 'must be 8 bytes, got 0'],
    [{ startTimeUnixNano: 0n }, 'startTimeUnixNano', 'must not be 0'],
  ];
  for (const [over, field, message] of cases) {
    const td = wrap([span({ spanId: '1111111111111111' }), span(over)]);
    const r = validateTracesData(td);
    assert.equal(r.rejected, 1, field);
    assert.deepEqual(r.errors, [{ path: `resourceSpans[0].scopeSpans[0].spans[1].${field}`, message }]);
    assert.deepEqual(r.valid.resourceSpans[0].scopeSpans[0].spans.map((s) => s.spanId), ['1111111111111111']);
  }
  // Not rejected: all-zero parent or link ids of the right length, end before start.
  const ok = validateTracesData(wrap([span({ parentSpanId: '0'.repeat(16), links: [link('0'.repeat(32), '0'.repeat(16))], endTimeUnixNano: 1n })]));
  assert.equal(ok.rejected, 0);
});

test('envelopes left empty are dropped; the input is not modified', () => {
  const bad = span({ traceId: '' });
  const td: TracesData = {
    resourceSpans: [
      { ...wrap([bad]).resourceSpans[0] },
      { ...wrap([span(), bad]).resourceSpans[0] },
      { resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] },
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: 'keep',
        scopeSpans: [
          { scope: { name: 'empty', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [] },
          { scope: { name: 'full', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span()] },
        ],
      },
    ],
  };
  const before = structuredClone(td);
  const r = validateTracesData(td);
  assert.deepEqual(td, before);
  assert.equal(r.rejected, 2);
  assert.equal(r.valid.resourceSpans.length, 2);
  assert.equal(r.valid.resourceSpans[0].scopeSpans[0].spans.length, 1);
  assert.deepEqual(r.valid.resourceSpans[1].scopeSpans.map((s) => s.scope.name), ['full']);
  assert.equal(r.valid.resourceSpans[1].schemaUrl, 'keep');
  // Both bad spans have the same problem: one message, first path.
  assert.deepEqual(r.errors, [{ path: 'resourceSpans[0].scopeSpans[0].spans[0].traceId', message: 'must be 16 bytes, got 0' }]);
});

test('at most MAX_ERRORS distinct messages are kept; every rejection is counted', () => {
  const spans = Array.from({ length: 200 }, (_, i) => span({ traceId: 'ab'.repeat(i % 40) }));
  const r = validateTracesData(wrap(spans));
  assert.equal(r.rejected, 200 - 5); // i % 40 === 16 is valid
  assert.equal(r.errors.length, MAX_ERRORS);
  assert.equal(new Set(r.errors.map((e) => e.message)).size, MAX_ERRORS);
  assert.equal(r.valid.resourceSpans[0].scopeSpans[0].spans.length, 5);
});

test('a request with only bad spans validates to an empty request', () => {
  const r = validateTracesData(wrap([span({ spanId: '' })]));
  assert.deepEqual(r.valid, { resourceSpans: [] });
  assert.equal(r.rejected, 1);
});
