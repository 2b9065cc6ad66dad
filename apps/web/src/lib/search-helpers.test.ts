import assert from 'node:assert/strict';
import { test } from 'node:test';
import { completionContext, fieldSuggestions } from './autocomplete.ts';
import { parseFind } from './find.ts';
import { formatDuration, niceTicks } from './format.ts';
import { checkQuery, highlightRuns } from './highlight.ts';
import { parseLogfmt } from './logfmt.ts';
import { sortResults, toResultRow } from './results.ts';
import { parseRoute, normaliseTraceId } from './routes.ts';
import { formToTraceQL } from './search-form.ts';
import { decodeTraceByIdProto } from './trace-response.ts';

test('the form becomes one spanset filter', () => {
  assert.equal(formToTraceQL({ service: '', spanName: '', tags: '', minDuration: '', maxDuration: '' }), '{}');
  assert.equal(
    formToTraceQL({ service: 'cart', spanName: 'GET /x', tags: 'http.status_code=500 error=true msg="a b" span.n="7" .ratio=0.5', minDuration: '100ms', maxDuration: '2s' }),
    '{ resource.service.name = "cart" && name = "GET /x" && .http.status_code = 500 && status = error && .msg = "a b" && span.n = "7" && .ratio = 0.5 && traceDuration >= 100ms && traceDuration <= 2s }',
  );
  assert.throws(() => formToTraceQL({ service: '', spanName: '', tags: '', minDuration: 'soon', maxDuration: '' }), /min duration/);
  assert.throws(() => parseLogfmt('a="unterminated'), /unterminated/);
});

test('completion contexts', () => {
  assert.deepEqual(completionContext('{ ', 2), { kind: 'field', prefix: '', from: 2 });
  assert.deepEqual(completionContext('{ na', 4), { kind: 'field', prefix: 'na', from: 2 });
  assert.deepEqual(completionContext('{ resource.', 11), { kind: 'attribute', scope: 'resource', prefix: '', from: 11 });
  assert.deepEqual(completionContext('{ .http.ro', 10), { kind: 'attribute', scope: 'unscoped', prefix: 'http.ro', from: 3 });
  assert.deepEqual(completionContext('{ span.x = ', 11), { kind: 'value', identifier: 'span.x', prefix: '', from: 11, quoted: false });
  assert.deepEqual(completionContext('{ name = "GE', 12), { kind: 'value', identifier: 'name', prefix: 'GE', from: 9, quoted: true });
  assert.deepEqual(completionContext('{ .a = "x" && ', 14), { kind: 'field', prefix: '', from: 14 });
  assert.equal(completionContext('{ .a = "x" ', 11), null);
  assert.ok(fieldSuggestions('res').includes('resource.'));
});

test('highlighting covers the text and marks the error token', () => {
  const q = '{ .a = }';
  const p = checkQuery(q)!;
  assert.match(p.message, /^parse error at line 1, col 8/);
  const runs = highlightRuns(q, p.offset);
  assert.equal(runs.map((r) => r.text).join(''), q);
  assert.deepEqual(runs.filter((r) => r.error).map((r) => r.text), ['}']);
  assert.equal(checkQuery('{ .a = 1 }'), undefined);
  assert.deepEqual(highlightRuns('{', 1).at(-1), { text: ' ', kind: 'plain', error: true }, 'a problem at the end gets a marker');
});

test('find terms', () => {
  assert.deepEqual(parseFind('GET "card declined" -app.'), { terms: ['get', 'card declined'], excludeKeys: ['app.'] });
});

test('results sort like Jaeger', () => {
  const row = (id: string, start: number, ms: number, spans: number, errors: number, name: string) =>
    toResultRow({
      traceID: id, rootServiceName: 'svc', rootTraceName: name, startTimeUnixNano: String(BigInt(start) * 1_000_000n), durationMs: ms,
      serviceStats: { svc: { spanCount: spans, errorCount: errors } },
    });
  const rows = [row('1', 1000, 5, 3, 0, 'b'), row('2', 3000, 50, 1, 2, 'a'), row('3', 2000, 20, 9, 1, 'c')];
  const order = (k: Parameters<typeof sortResults>[1]) => sortResults(rows, k).map((r) => r.traceId.replace(/^0+/, ''));
  assert.deepEqual(order('recent'), ['2', '3', '1']);
  assert.deepEqual(order('oldest'), ['1', '3', '2']);
  assert.deepEqual(order('longest'), ['2', '3', '1']);
  assert.deepEqual(order('shortest'), ['1', '3', '2']);
  assert.deepEqual(order('mostSpans'), ['3', '1', '2']);
  assert.deepEqual(order('mostErrors'), ['2', '3', '1']);
  assert.deepEqual(order('nameAz'), ['2', '1', '3']);
  assert.equal(rows[0].traceId.length, 32, 'ids without leading zeros are padded');
});

test('formatting', () => {
  assert.equal(formatDuration(0), '0µs');
  assert.equal(formatDuration(0.5), '500ns');
  assert.equal(formatDuration(950), '950µs');
  assert.equal(formatDuration(12_345), '12.3ms');
  assert.equal(formatDuration(1_250_000), '1.25s');
  assert.equal(formatDuration(125_000_000), '2m 5s');
  assert.deepEqual(niceTicks(0, 370, 4), [0, 100, 200, 300]);
});

test('routes and trace ids', () => {
  assert.equal(parseRoute('/trace/abc', '?span=1').name, 'trace');
  assert.deepEqual(parseRoute('/trace/aa...bb', ''), { name: 'compare', a: 'aa', b: 'bb' });
  assert.equal(parseRoute('/', '').name, 'search');
  assert.equal(parseRoute('/nope', '').name, 'notFound');
  assert.equal(normaliseTraceId(' ABC '), '0'.repeat(29) + 'abc');
  assert.equal(normaliseTraceId('xyz'), undefined);
});

test('the trace-by-ID protobuf envelope', () => {
  // TraceByIDResponse { trace: Trace {} (empty), status: PARTIAL (1), message: "cut" }
  const bytes = new Uint8Array([0x0a, 0x00, 0x18, 0x01, 0x22, 0x03, 0x63, 0x75, 0x74]);
  assert.deepEqual(decodeTraceByIdProto(bytes), { trace: { resourceSpans: [] }, partial: true, message: 'cut' });
  assert.throws(() => decodeTraceByIdProto(new Uint8Array([0x0a, 0x05, 0x01])), /truncated/);
});
