import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportRequestJson } from './decode-json.ts';
import { OtlpDecodeError } from './errors.ts';
import type { AnyValue, TracesData } from './model.ts';

const firstSpan = (td: TracesData) => td.resourceSpans[0].scopeSpans[0].spans[0];
const doc = (spanJson: object, extra: object = {}) => JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [spanJson] }], ...extra }] });
const spanOf = (spanJson: object) => firstSpan(decodeExportRequestJson(doc(spanJson)));
const valueOf = (value: unknown): AnyValue => spanOf({ attributes: [{ key: 'k', value }] }).attributes[0].value;

function decodeError(text: string): OtlpDecodeError {
  try {
    decodeExportRequestJson(text);
  } catch (e) {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected OtlpDecodeError');
}

test('the spec example decodes, with uppercase hex ids lowercased', () => {
  const td = decodeExportRequestJson(`{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},
  "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0"},
    "spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
      "name":"I'm a server span","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
      "kind":2,"attributes":[{"key":"my.span.attr","value":{"stringValue":"some value"}}]}]}]}]}`);
  assert.deepEqual(td, {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'my.service' } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{
        scope: { name: 'my.library', version: '1.0.0', attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        spans: [{
          traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', parentSpanId: 'eee19b7ec3c1b173', traceState: '',
          name: "I'm a server span", kind: 2, startTimeUnixNano: 1544712660000000000n, endTimeUnixNano: 1544712661000000000n,
          attributes: [{ key: 'my.span.attr', value: { type: 'string', value: 'some value' } }], droppedAttributesCount: 0,
          events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0, status: { code: 0, message: '' }, flags: 0,
        }],
      }],
    }],
  });
});

test('snake_case keys are accepted everywhere', () => {
  const camel = decodeExportRequestJson(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'a', value: { intValue: '1' } }], droppedAttributesCount: 1 }, schemaUrl: 'r', scopeSpans: [{ scope: { name: 's', droppedAttributesCount: 2 }, schemaUrl: 'u', spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), parentSpanId: 'ef'.repeat(8), traceState: 't', startTimeUnixNano: '5', endTimeUnixNano: '6', droppedAttributesCount: 3, events: [{ timeUnixNano: '7', droppedAttributesCount: 4 }], droppedEventsCount: 5, links: [{ traceId: '01'.repeat(16), spanId: '02'.repeat(8), traceState: 'l', droppedAttributesCount: 6 }], droppedLinksCount: 7, attributes: [{ key: 'x', value: { arrayValue: { values: [{ boolValue: true }, { kvlistValue: { values: [{ key: 'y', value: { doubleValue: 1 } }] } }, { bytesValue: 'AQ==' }, { stringValue: 's' }] } } }] }] }] }] }));
  const snake = decodeExportRequestJson(JSON.stringify({ resource_spans: [{ resource: { attributes: [{ key: 'a', value: { int_value: '1' } }], dropped_attributes_count: 1 }, schema_url: 'r', scope_spans: [{ scope: { name: 's', dropped_attributes_count: 2 }, schema_url: 'u', spans: [{ trace_id: 'ab'.repeat(16), span_id: 'cd'.repeat(8), parent_span_id: 'ef'.repeat(8), trace_state: 't', start_time_unix_nano: '5', end_time_unix_nano: '6', dropped_attributes_count: 3, events: [{ time_unix_nano: '7', dropped_attributes_count: 4 }], dropped_events_count: 5, links: [{ trace_id: '01'.repeat(16), span_id: '02'.repeat(8), trace_state: 'l', dropped_attributes_count: 6 }], dropped_links_count: 7, attributes: [{ key: 'x', value: { array_value: { values: [{ bool_value: true }, { kvlist_value: { values: [{ key: 'y', value: { double_value: 1 } }] } }, { bytes_value: 'AQ==' }, { string_value: 's' }] } } }] }] }] }] }));
  assert.deepEqual(snake, camel);
  const s = firstSpan(camel);
  assert.deepEqual([s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount, s.events[0].timeUnixNano, s.links[0].traceState], [3, 5, 7, 7n, 'l']);
});

test('enums as integers, numeric strings or names; unknown numbers read as 0', () => {
  assert.equal(spanOf({ kind: 3 }).kind, 3);
  assert.equal(spanOf({ kind: '4' }).kind, 4);
  assert.equal(spanOf({ kind: 'SPAN_KIND_SERVER' }).kind, 2);
  assert.equal(spanOf({ kind: 'SPAN_KIND_CONSUMER' }).kind, 5);
  assert.equal(spanOf({ kind: 42 }).kind, 0);
  assert.deepEqual(spanOf({ status: { code: 'STATUS_CODE_ERROR', message: 'x' } }).status, { code: 2, message: 'x' });
  assert.deepEqual(spanOf({ status: { code: 1 } }).status, { code: 1, message: '' });
  assert.deepEqual(spanOf({ status: {} }).status, { code: 0, message: '' });
  assert.deepEqual(spanOf({ status: { deprecatedCode: 3 } }).status, { code: 2, message: '' });
  assert.deepEqual(spanOf({ status: { deprecated_code: 'DEPRECATED_STATUS_CODE_OK' } }).status, { code: 0, message: '' });
  assert.equal(decodeError(doc({ kind: 'SERVER' })).message, 'resourceSpans[0].scopeSpans[0].spans[0].kind: unknown SpanKind "SERVER"');
  assert.equal(decodeError(doc({ status: { code: 'STATUS_CODE_BAD' } })).message, 'resourceSpans[0].scopeSpans[0].spans[0].status.code: unknown StatusCode "STATUS_CODE_BAD"');
  assert.match(decodeError(doc({ kind: 1.5 })).message, /kind: expected a SpanKind number or name, got 1.5/);
});

test('64-bit values as strings, numbers or exponent-form numbers', () => {
  assert.equal(spanOf({ startTimeUnixNano: '1700000000000000001' }).startTimeUnixNano, 1700000000000000001n);
  // Old OTel JS sent numbers (precision beyond 2^53 is already lost; we keep what arrived).
  assert.equal(spanOf({ startTimeUnixNano: 1544712660000000000 }).startTimeUnixNano, 1544712660000000000n);
  assert.equal(spanOf({ startTimeUnixNano: 1.5447126600000003e18 }).startTimeUnixNano, BigInt(1.5447126600000003e18));
  assert.equal(spanOf({ startTimeUnixNano: '1.5e18' }).startTimeUnixNano, 1500000000000000000n);
  assert.equal(spanOf({ endTimeUnixNano: '18446744073709551615' }).endTimeUnixNano, 18446744073709551615n);
  assert.equal(spanOf({ endTimeUnixNano: '99999999999999999999999' }).endTimeUnixNano, 18446744073709551615n);
  assert.deepEqual(valueOf({ intValue: 42 }), { type: 'int', value: 42n });
  assert.deepEqual(valueOf({ intValue: '-42' }), { type: 'int', value: -42n });
  assert.deepEqual(valueOf({ intValue: '9223372036854775807' }), { type: 'int', value: 9223372036854775807n });
  assert.deepEqual(valueOf({ intValue: '-9223372036854775808' }), { type: 'int', value: -9223372036854775808n });
  // OTel JS writes `{"intValue":1e+21}` for integral floats beyond int64: clamp.
  assert.deepEqual(decodeExportRequestJson(doc({ attributes: [{ key: 'k', value: { intValue: 0 } }] }).replace('"intValue":0', '"intValue":1e+21')).resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value, { type: 'int', value: 9223372036854775807n });
  assert.deepEqual(valueOf({ intValue: -1e21 }), { type: 'int', value: -9223372036854775808n });
  assert.deepEqual(valueOf({ intValue: '12e2' }), { type: 'int', value: 1200n });
  assert.equal(decodeError(doc({ startTimeUnixNano: true })).message, 'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected an unsigned 64-bit integer, got true');
  assert.match(decodeError(doc({ startTimeUnixNano: '-5' })).message, /startTimeUnixNano: expected an unsigned 64-bit integer, got "-5"/);
  assert.match(decodeError(doc({ startTimeUnixNano: 'soon' })).message, /startTimeUnixNano: expected an unsigned 64-bit integer, got "soon"/);
  assert.match(decodeError(doc({ startTimeUnixNano: '' })).message, /startTimeUnixNano: expected/);
  assert.match(decodeError(doc({ attributes: [{ key: 'k', value: { intValue: 'NaN' } }] })).message, /attributes\[0\]\.value\.intValue: expected a 64-bit integer, got "NaN"/);
});

test('doubleValue as number, NaN/Infinity strings, numeric strings, or null (OTel JS NaN)', () => {
  assert.deepEqual(valueOf({ doubleValue: 1.5 }), { type: 'double', value: 1.5 });
  assert.deepEqual(valueOf({ doubleValue: 'NaN' }), { type: 'double', value: NaN });
  assert.deepEqual(valueOf({ doubleValue: 'Infinity' }), { type: 'double', value: Infinity });
  assert.deepEqual(valueOf({ doubleValue: '-Infinity' }), { type: 'double', value: -Infinity });
  assert.deepEqual(valueOf({ doubleValue: null }), { type: 'double', value: NaN });
  assert.deepEqual(valueOf({ doubleValue: '2.25' }), { type: 'double', value: 2.25 });
  assert.match(decodeError(doc({ attributes: [{ key: 'k', value: { doubleValue: 'x' } }] })).message, /value\.doubleValue: expected a number, got "x"/);
});

test('ids: hex of either case, base64 (pre-2020 senders, Tempo), url-safe base64, empty', () => {
  const hex = '5b8efff798038103d269b633813fc60c';
  const b64 = 'W47/95gDgQPSabYzgT/GDA==';
  assert.equal(spanOf({ traceId: hex.toUpperCase() }).traceId, hex);
  assert.equal(spanOf({ traceId: b64 }).traceId, hex);
  assert.equal(spanOf({ traceId: b64.replace(/\//g, '_').replace(/=+$/, '') }).traceId, hex);
  assert.equal(spanOf({ spanId: '7uGbfsPBsXQ=' }).spanId, 'eee19b7ec3c1b174');
  assert.equal(spanOf({ spanId: 'EEE19B7EC3C1B174' }).spanId, 'eee19b7ec3c1b174');
  assert.equal(spanOf({ parentSpanId: '' }).parentSpanId, '');
  assert.equal(spanOf({ parentSpanId: null }).parentSpanId, '');
  // Wrong lengths are kept as read; validation names them.
  assert.equal(spanOf({ traceId: 'abcd' }).traceId, 'abcd');
  assert.match(decodeError(doc({ spanId: 'AQID' })).message, /spanId: expected a hex string, got "AQID"$/);
  assert.equal(decodeError(doc({ traceId: 12 })).message, 'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a hex string, got 12');
  assert.equal(decodeError(doc({ spanId: 'not an id!' })).message, 'resourceSpans[0].scopeSpans[0].spans[0].spanId: expected a hex string, got "not an id!"');
  assert.match(decodeError(doc({ links: [{}, { traceId: ['x'] }] })).message, /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.links\[1\]\.traceId: expected a hex string, got an array$/);
});

test('every AnyValue form, including empty values and nested lists', () => {
  assert.deepEqual(valueOf({}), { type: 'empty' });
  assert.deepEqual(valueOf(undefined), { type: 'empty' });
  assert.deepEqual(valueOf(null), { type: 'empty' });
  assert.deepEqual(valueOf({ stringValue: null, intValue: '5' }), { type: 'int', value: 5n });
  assert.deepEqual(valueOf({ stringValueStrindex: 3 }), { type: 'empty' });
  assert.deepEqual(valueOf({ stringValue: '' }), { type: 'string', value: '' });
  assert.deepEqual(valueOf({ boolValue: false }), { type: 'bool', value: false });
  assert.deepEqual(valueOf({ bytesValue: '-_8=' }), { type: 'bytes', value: new Uint8Array([0xfb, 0xff]) });
  assert.deepEqual(valueOf({ arrayValue: {} }), { type: 'array', value: [] });
  assert.deepEqual(valueOf({ kvlistValue: {} }), { type: 'kvlist', value: [] });
  assert.deepEqual(valueOf({ arrayValue: { values: [{}, { arrayValue: { values: [{ intValue: 1 }] } }] } }), {
    type: 'array',
    value: [{ type: 'empty' }, { type: 'array', value: [{ type: 'int', value: 1n }] }],
  });
  assert.deepEqual(valueOf({ kvlistValue: { values: [{ key: 'a', value: { kvlistValue: { values: [{ key: 'b' }] } } }] } }), {
    type: 'kvlist',
    value: [{ key: 'a', value: { type: 'kvlist', value: [{ key: 'b', value: { type: 'empty' } }] } }],
  });
  assert.match(decodeError(doc({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] })).message, /attributes\[0\]\.value\.boolValue: expected true or false, got "true"/);
  assert.match(decodeError(doc({ attributes: [{ key: 'k', value: { bytesValue: '***' } }] })).message, /value\.bytesValue: expected a base64 string, got "\*\*\*"/);
  assert.match(decodeError(doc({ attributes: [{ key: 'k', value: 'plain' }] })).message, /attributes\[0\]\.value: expected an AnyValue object, got "plain"/);
  assert.equal(
    decodeError(doc({ attributes: [{ key: 'ok', value: {} }, { key: 'k', value: { kvlistValue: { values: [{ key: 'x', value: { arrayValue: { values: [{}, {}, 5] } } }] } } }] })).message,
    'resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value.kvlistValue.values[0].value.arrayValue.values[2]: expected an AnyValue object, got 5',
  );
});

test('legacy instrumentationLibrarySpans / instrumentationLibrary when the new keys are absent', () => {
  const td = decodeExportRequestJson(JSON.stringify({ resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old', version: '0.1' }, spans: [{ name: 'a' }] }] }] }));
  assert.equal(td.resourceSpans[0].scopeSpans[0].scope.name, 'old');
  assert.equal(firstSpan(td).name, 'a');
  const snake = decodeExportRequestJson(JSON.stringify({ resource_spans: [{ instrumentation_library_spans: [{ instrumentation_library: { name: 'old' }, spans: [{}] }] }] }));
  assert.equal(snake.resourceSpans[0].scopeSpans[0].scope.name, 'old');
  const both = decodeExportRequestJson(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ scope: { name: 'new' }, spans: [] }], instrumentationLibrarySpans: [{ spans: [{}] }] }] }));
  assert.equal(both.resourceSpans[0].scopeSpans[0].scope.name, 'new');
  assert.match(decodeError(JSON.stringify({ resourceSpans: [{ instrumentationLibrarySpans: [{ spans: [{ traceId: 1 }] }] }] })).message, /^resourceSpans\[0\]\.instrumentationLibrarySpans\[0\]\.spans\[0\]\.traceId:/);
});

test('unknown keys and schemaUrl inside resource are ignored; null means unset', () => {
  const td = decodeExportRequestJson(JSON.stringify({
    resourceSpans: [{ resource: { attributes: null, schemaUrl: 'https://x', entityRefs: [{}] }, scopeSpans: [{ scope: null, spans: [{ name: 'n', unknownThing: { a: 1 }, events: null, links: null, status: null, flags: null, attributes: [{ key: 'k', value: { stringValue: 'v' }, keyStrindex: 2 }] }], extra: 1 }], whatever: [] }],
    somethingElse: true,
  }));
  assert.deepEqual(td.resourceSpans[0].resource, { attributes: [], droppedAttributesCount: 0 });
  assert.equal(firstSpan(td).name, 'n');
  assert.equal(firstSpan(td).flags, 0);
  assert.equal(td.resourceSpans[0].schemaUrl, '');
});

test("Tempo's own JSON (batches, base64 ids, enum names) loads too", () => {
  const td = decodeExportRequestJson('{"batches":[{"scopeSpans":[{"spans":[{"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"5","status":{"code":"STATUS_CODE_OK"}}]}]}]}');
  const s = firstSpan(td);
  assert.deepEqual([s.traceId, s.spanId, s.kind, s.status.code], ['5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', 3, 1]);
});

test('structural errors say where and what', () => {
  assert.equal(decodeError('[]').message, 'request body: expected a JSON object, got an array');
  assert.equal(decodeError('null').message, 'request body: expected a JSON object, got null');
  assert.equal(decodeError('"x"').message, 'request body: expected a JSON object, got "x"');
  assert.equal(decodeError('{"resourceSpans":{}}').message, 'resourceSpans: expected an array, got an object');
  assert.equal(decodeError('{"resourceSpans":[1]}').message, 'resourceSpans[0]: expected an object, got 1');
  assert.equal(decodeError('{"resourceSpans":[{"scopeSpans":[{"spans":[{},{},{},"s"]}]}]}').message, 'resourceSpans[0].scopeSpans[0].spans[3]: expected an object, got "s"');
  assert.equal(decodeError('{"resourceSpans":[{"resource":[]}]}').message, 'resourceSpans[0].resource: expected an object, got an array');
  assert.equal(decodeError('{"resourceSpans":[{"resource":{"attributes":[{"key":5}]}}]}').message, 'resourceSpans[0].resource.attributes[0].key: expected a string, got 5');
  assert.equal(decodeError(doc({ events: [{ name: 1 }] })).message, 'resourceSpans[0].scopeSpans[0].spans[0].events[0].name: expected a string, got 1');
  assert.equal(decodeError(doc({ flags: -1 })).message, 'resourceSpans[0].scopeSpans[0].spans[0].flags: expected an unsigned 32-bit integer, got -1');
  const e = decodeError(doc({ status: 'ERROR' }));
  assert.equal(e.message, 'resourceSpans[0].scopeSpans[0].spans[0].status: expected an object, got "ERROR"');
  assert.equal(e.path, 'resourceSpans[0].scopeSpans[0].spans[0].status');
  assert.match(decodeError(doc({ name: 'x'.repeat(100), traceId: 'y'.repeat(100) })).message, /got "y{40}…"$/);
});

test('invalid JSON reports the parser message', () => {
  const e = decodeError('{"resourceSpans":[');
  assert.match(e.message, /^invalid JSON: /);
  assert.match(decodeError('').message, /^invalid JSON: /);
});

test('an empty object or empty resourceSpans is an empty request', () => {
  assert.deepEqual(decodeExportRequestJson('{}'), { resourceSpans: [] });
  assert.deepEqual(decodeExportRequestJson('{"resourceSpans":[]}'), { resourceSpans: [] });
  assert.deepEqual(decodeExportRequestJson('{"resourceSpans":null}'), { resourceSpans: [] });
});

test('values nested past the depth limit fail cleanly', () => {
  const deep = '{"arrayValue":{"values":['.repeat(5000) + '{"stringValue":"leaf"}' + ']}}'.repeat(5000);
  const text = doc({ attributes: [{ key: 'deep', value: 0 }] }).replace('"value":0', '"value":' + deep);
  assert.match(decodeError(text).message, /nested deeper than 100 levels/);
  const ok = '{"arrayValue":{"values":['.repeat(60) + '{"stringValue":"leaf"}' + ']}}'.repeat(60);
  assert.equal(decodeExportRequestJson(doc({ attributes: [{ key: 'deep', value: 0 }] }).replace('"value":0', '"value":' + ok)).resourceSpans.length, 1);
});
