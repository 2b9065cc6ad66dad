// Reading trace files in each format the open-file page accepts, and the errors for files it
// cannot read. The OTLP and Tempo files come from the project's encoders; the Jaeger file is
// written out by hand the way jaeger-ui downloads a trace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeOtlpJson, encodeTempoJson, encodeTraceByIdResponseJson, toJaegerTrace, type TracesData } from '@tracegres/otlp';
import { parseTraceFile, TraceFileError } from './trace-file.ts';
import { TRACE_A, TRACE_B, fixtureTrace } from './trace-stats-fixture.ts';
import { buildTraceModel } from './trace-model.ts';

const T0 = 1_700_000_000_000_000_000n;
const A_ID = 'aa'.repeat(16);
const B_ID = 'bb'.repeat(16);
const a = fixtureTrace(TRACE_A, A_ID, T0);
const b = fixtureTrace(TRACE_B, B_ID, T0 + 5_000_000_000n);
const both: TracesData = { resourceSpans: [...b.resourceSpans, ...a.resourceSpans] };

/** The tree as "service:operation@start-end ms" lines in display order, to compare across formats. */
function outline(td: TracesData): string[] {
  const m = buildTraceModel(td);
  return Array.from(m.order, (i) => {
    const s = m.spans[i];
    return `${'  '.repeat(s.depth)}${s.service}:${s.name}@${s.start / 1000}-${s.end / 1000}${s.isError ? ' error' : ''}`;
  });
}
const expectedA = outline(a);

function fails(text: string, message: RegExp): void {
  assert.throws(() => parseTraceFile(text), (e: unknown) => e instanceof TraceFileError && message.test(e.message));
}

test('OTLP JSON', () => {
  const f = parseTraceFile(encodeOtlpJson(a));
  assert.equal(f.format, 'OTLP JSON');
  assert.equal(f.traces.length, 1);
  const t = f.traces[0];
  assert.deepEqual([t.traceId, t.spans, t.rootService, t.rootName, t.durationUs, t.startNs], [A_ID, 7, 'api', 'GET /orders', 100_000, T0]);
  assert.deepEqual(t.services, ['api', 'auth', 'cache', 'db']);
  assert.deepEqual(outline(t.data), expectedA);
  assert.deepEqual(f.warnings, []);
});

test('Tempo v1 (batches) and v2 ({trace}) JSON', () => {
  const v1 = parseTraceFile(encodeTempoJson(a, 'batches'));
  assert.equal(v1.format, 'Tempo JSON (batches)');
  assert.deepEqual(outline(v1.traces[0].data), expectedA);
  const v2 = parseTraceFile(encodeTraceByIdResponseJson(a));
  assert.equal(v2.format, 'Tempo v2 JSON');
  assert.deepEqual(outline(v2.traces[0].data), expectedA);
});

test('several traces in one file are split by trace ID, oldest first', () => {
  const f = parseTraceFile(encodeOtlpJson(both));
  assert.deepEqual(f.traces.map((t) => [t.traceId, t.spans]), [[A_ID, 7], [B_ID, 8]]);
  assert.deepEqual(outline(f.traces[0].data), expectedA);
});

test('JSON lines (one OTLP request per line, as the Collector file exporter writes)', () => {
  const half = { resourceSpans: a.resourceSpans.slice(0, 2) };
  const rest = { resourceSpans: a.resourceSpans.slice(2) };
  const f = parseTraceFile(`${encodeOtlpJson(half)}\n${encodeOtlpJson(rest)}\n`);
  assert.equal(f.format, 'OTLP JSON (2 lines)');
  assert.equal(f.traces.length, 1, 'the two lines are one trace');
  assert.deepEqual(outline(f.traces[0].data), expectedA);
});

test('Jaeger JSON as jaeger-ui downloads it', () => {
  const file = {
    data: [{
      traceID: '5b8aa5a2d2c872e8',
      spans: [
        {
          traceID: '5b8aa5a2d2c872e8', spanID: '5b8aa5a2d2c872e8', operationName: 'HTTP GET /dispatch', references: [],
          startTime: 1700000000000000, duration: 700000, processID: 'p1', warnings: null,
          tags: [
            { key: 'span.kind', type: 'string', value: 'server' },
            { key: 'http.status_code', type: 'int64', value: 200 },
            { key: 'big', type: 'int64', value: '9007199254740993' },
            { key: 'ratio', type: 'float64', value: 0.25 },
            { key: 'sampled', type: 'bool', value: true },
            { key: 'payload', type: 'binary', value: 'AQID' },
          ],
          logs: [{ timestamp: 1700000000100000, fields: [{ key: 'event', type: 'string', value: 'cache miss' }, { key: 'key', type: 'string', value: 'c-1' }] }],
        },
        {
          traceID: '5b8aa5a2d2c872e8', spanID: '1a2b3c4d5e6f7081', operationName: 'SQL SELECT', flags: 1,
          references: [
            { refType: 'CHILD_OF', traceID: '5b8aa5a2d2c872e8', spanID: '5b8aa5a2d2c872e8' },
            { refType: 'FOLLOWS_FROM', traceID: '00000000000000000000000000000abc', spanID: '0000000000000def' },
          ],
          startTime: 1700000000200000, duration: 300000, processID: 'p2', warnings: null,
          tags: [
            { key: 'span.kind', type: 'string', value: 'client' },
            { key: 'otel.status_code', type: 'string', value: 'ERROR' },
            { key: 'error', type: 'bool', value: true },
            { key: 'otel.status_description', type: 'string', value: 'deadlock' },
            { key: 'otel.scope.name', type: 'string', value: 'pg-instrumentation' },
            { key: 'db.statement', type: 'string', value: 'SELECT * FROM customer WHERE id = ?' },
          ],
          logs: [],
        },
        {
          // A plain Jaeger client marks errors only with the `error` tag; its parent was never received.
          traceID: '5b8aa5a2d2c872e8', spanID: '00000000000000ff', operationName: 'late', references: [{ refType: 'CHILD_OF', traceID: '5b8aa5a2d2c872e8', spanID: '0000000000000bad' }],
          startTime: 1700000000300000, duration: 1000, processID: 'p2', tags: [{ key: 'error', type: 'bool', value: true }], logs: [],
        },
      ],
      processes: {
        p1: { serviceName: 'frontend', tags: [{ key: 'hostname', type: 'string', value: 'web-1' }] },
        p2: { serviceName: 'mysql', tags: [] },
      },
      warnings: null,
    }],
    total: 0, limit: 0, offset: 0, errors: null,
  };
  const f = parseTraceFile(JSON.stringify(file));
  assert.equal(f.format, 'Jaeger JSON');
  const t = f.traces[0];
  assert.equal(t.traceId, '00000000000000005b8aa5a2d2c872e8', 'short Jaeger ids are padded to OTLP width');
  assert.deepEqual([t.spans, t.rootService, t.rootName, t.durationUs], [3, 'frontend', 'HTTP GET /dispatch', 700_000]);
  const m = buildTraceModel(t.data);
  const [root, sql, late] = ['HTTP GET /dispatch', 'SQL SELECT', 'late'].map((n) => m.spans.find((s) => s.name === n)!);
  assert.equal(root.kind, 2);
  assert.equal(root.span.startTimeUnixNano, 1_700_000_000_000_000_000n);
  assert.equal(root.span.endTimeUnixNano, 1_700_000_000_700_000_000n);
  assert.deepEqual(root.span.attributes.map((kv) => [kv.key, kv.value.type, kv.value.type === 'bytes' ? Array.from(kv.value.value) : 'value' in kv.value ? kv.value.value : null]), [
    ['http.status_code', 'int', 200n],
    ['big', 'int', 9007199254740993n],
    ['ratio', 'double', 0.25],
    ['sampled', 'bool', true],
    ['payload', 'bytes', [1, 2, 3]],
  ]);
  assert.deepEqual(root.span.events.map((e) => [e.name, e.timeUnixNano, e.attributes.map((kv) => kv.key)]), [['cache miss', 1_700_000_000_100_000_000n, ['key']]]);
  assert.deepEqual(root.resource.attributes.map((kv) => kv.key), ['service.name', 'hostname']);
  assert.equal(sql.parent, root.index);
  assert.deepEqual([sql.kind, sql.span.status, sql.scope.name, sql.span.flags], [3, { code: 2, message: 'deadlock' }, 'pg-instrumentation', 1]);
  assert.deepEqual(sql.span.attributes.map((kv) => kv.key), ['db.statement'], 'tags made from span fields become fields again');
  assert.deepEqual(sql.span.links.map((l) => [l.traceId, l.spanId]), [['00000000000000000000000000000abc', '0000000000000def']]);
  assert.deepEqual([late.orphan, late.parentSpanId, late.isError], [true, '0000000000000bad', true]);
});

test('Jaeger JSON from the project encoder reads back to the same trees', () => {
  const opts = { adjust: false, unknownService: 'unknown_service' };
  const f = parseTraceFile(JSON.stringify({ data: [toJaegerTrace(b, opts), toJaegerTrace(a, opts)] }));
  assert.deepEqual(f.traces.map((t) => t.traceId), [A_ID, B_ID]);
  assert.deepEqual(outline(f.traces[0].data), expectedA);
  assert.deepEqual(outline(f.traces[1].data), outline(b));
  // A bare trace object (no `data` envelope) is read too.
  assert.deepEqual(outline(parseTraceFile(JSON.stringify(toJaegerTrace(a, opts))).traces[0].data), expectedA);
});

test('files that cannot be read say what and where', () => {
  fails('', /empty/);
  fails('{"resourceSpans": [', /Not valid JSON/);
  fails('"a string"', /Expected a JSON object holding a trace, got string "a string"/);
  fails('[1, 2]', /got an array/);
  fails('{"spans": 3, "hello": 1}', /Not a trace file.*"resourceSpans".*"batches".*"data".*top-level keys are "spans", "hello"/);
  fails('{}', /top-level keys are none/);
  fails('{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": 7}]}]}]}', /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId: expected a hex string/);
  fails('{"trace": {"resourceSpans": {}}}', /^trace\.resourceSpans: expected an array/);
  fails('{"trace": {}}', /Tempo v2 JSON but holds no spans/);
  const jaeger = (span: object, processes: object = { p1: { serviceName: 's' } }) =>
    JSON.stringify({ data: [{ traceID: 'ab', spans: [{ traceID: 'ab', spanID: 'cd', operationName: 'x', startTime: 1, duration: 1, processID: 'p1', ...span }], processes }] });
  fails(jaeger({ processID: 'p9' }), /data\[0\]\.spans\[0\]\.processID: "p9" is not one of the trace's processes \(p1\)/);
  fails(jaeger({ startTime: 'soon' }), /data\[0\]\.spans\[0\]\.startTime: expected a number of microseconds, got "soon"/);
  fails(jaeger({ spanID: 'xyz' }), /data\[0\]\.spans\[0\]\.spanID: expected a hex id of up to 16 digits/);
  fails(jaeger({ tags: [{ key: 'n', type: 'int64', value: 'many' }] }), /data\[0\]\.spans\[0\]\.tags\[0\]\.value: "many" is not a valid int64 value/);
  fails(jaeger({ tags: [{ key: 'n', type: 'decimal', value: 1 }] }), /tags\[0\]\.type: expected string, bool, int64, float64 or binary, got "decimal"/);
  fails(JSON.stringify({ data: [], errors: [{ code: 404, msg: 'trace not found' }] }), /no traces, only errors.*trace not found/);
  fails('{"resourceSpans": []}\nnot json', /line 2/);
});

test('spans a viewer cannot place are left out with a warning', () => {
  const text = encodeOtlpJson(a).replace('"spanId":"a000000000000002"', '"spanId":""');
  const f = parseTraceFile(text);
  assert.equal(f.traces[0].spans, 6);
  assert.match(f.warnings[0], /^1 span was left out \(resourceSpans\[1\]\.scopeSpans\[0\]\.spans\[0\]\.spanId: /);
});
