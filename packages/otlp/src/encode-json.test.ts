import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportRequestJson } from './decode-json.ts';
import { encodeOtlpJson, encodeTempoJson } from './encode-json.ts';
import { encodeExportResponseJson, encodeRpcStatusJson, encodeTraceByIdResponseJson } from './encode-json-responses.ts';
import { jsonString } from './json-string.ts';
import { kv, richTracesData, span, wrap } from '../test/fixtures.ts';

const small = () =>
  wrap(
    [
      span({
        parentSpanId: '0102030405060708',
        kind: 2,
        attributes: [
          kv('http.status_code', { type: 'int', value: 500n }),
          kv('ratio', { type: 'double', value: NaN }),
          kv('ok', { type: 'bool', value: false }),
          kv('raw', { type: 'bytes', value: new Uint8Array([0xfb, 0xff]) }),
          kv('list', { type: 'array', value: [{ type: 'string', value: 'a' }, { type: 'empty' }] }),
        ],
        events: [{ timeUnixNano: 1544712660500000000n, name: 'exception', attributes: [], droppedAttributesCount: 0 }],
        status: { code: 2, message: 'boom' },
        flags: 257,
      }),
    ],
    [kv('service.name', { type: 'string', value: 'svc' })],
  );

test('OTLP/JSON: hex ids, integer enums, int64 as strings, zero fields omitted', () => {
  assert.equal(
    encodeOtlpJson(small()),
    '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{' +
      '"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"0102030405060708","name":"GET /","kind":2,' +
      '"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[' +
      '{"key":"http.status_code","value":{"intValue":"500"}},{"key":"ratio","value":{"doubleValue":"NaN"}},{"key":"ok","value":{"boolValue":false}},' +
      '{"key":"raw","value":{"bytesValue":"+/8="}},{"key":"list","value":{"arrayValue":{"values":[{"stringValue":"a"},{}]}}}],' +
      '"events":[{"timeUnixNano":"1544712660500000000","name":"exception"}],"status":{"code":2,"message":"boom"},"flags":257}]}]}]}',
  );
  assert.equal(encodeOtlpJson({ resourceSpans: [] }), '{}');
});

test("Tempo JSON: base64 ids, enum names, 64-bit strings, the caller's root key", () => {
  assert.equal(
    encodeTempoJson(small(), 'batches'),
    '{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":[{' +
      '"traceId":"W47/95gDgQPSabYzgT/GDA==","spanId":"7uGbfsPBsXQ=","parentSpanId":"AQIDBAUGBwg=","name":"GET /","kind":"SPAN_KIND_SERVER",' +
      '"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[' +
      '{"key":"http.status_code","value":{"intValue":"500"}},{"key":"ratio","value":{"doubleValue":"NaN"}},{"key":"ok","value":{"boolValue":false}},' +
      '{"key":"raw","value":{"bytesValue":"+/8="}},{"key":"list","value":{"arrayValue":{"values":[{"stringValue":"a"},{}]}}}],' +
      '"events":[{"timeUnixNano":"1544712660500000000","name":"exception"}],"status":{"code":"STATUS_CODE_ERROR","message":"boom"},"flags":257}]}]}]}',
  );
  assert.match(encodeTempoJson(small(), 'resourceSpans'), /^\{"resourceSpans":\[/);
  assert.equal(encodeTempoJson({ resourceSpans: [] }, 'batches'), '{}');
});

test('both dialects are valid JSON and decode back to the model', () => {
  const td = richTracesData();
  for (const text of [encodeOtlpJson(td), encodeTempoJson(td, 'batches'), encodeTempoJson(td, 'resourceSpans')]) {
    JSON.parse(text);
    assert.deepEqual(decodeExportRequestJson(text), td);
  }
});

test('doubles: numbers, NaN/Infinity as strings, -0 kept', () => {
  const json = encodeOtlpJson(wrap([span({ attributes: [
    kv('a', { type: 'double', value: Infinity }),
    kv('b', { type: 'double', value: -Infinity }),
    kv('c', { type: 'double', value: -0 }),
    kv('d', { type: 'double', value: 1e21 }),
    kv('e', { type: 'double', value: 5e-324 }),
  ] })]));
  assert.match(json, /"doubleValue":"Infinity".*"doubleValue":"-Infinity".*"doubleValue":-0}.*"doubleValue":1e\+21}.*"doubleValue":5e-324}/);
});

test('jsonString escapes what JSON needs and keeps lone surrogates as escapes', () => {
  const samples = ['plain', '', 'q"uote', 'back\\slash', 'nl\nnul\u0000tab\t\u001f', '\u2028\u2029', 'é日本🎉', 'lone \ud800', 'lone \udfff end', '\u007f'];
  for (const s of samples) {
    const lit = jsonString(s);
    assert.equal(JSON.parse(lit), s);
    assert.equal(lit, JSON.stringify(s));
  }
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32);
  for (let i = 0; i < 2000; i++) {
    const s = String.fromCharCode(...Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(rand() * 0x10000)));
    assert.equal(JSON.parse(jsonString(s)), s);
  }
});

test('trace-by-ID v2 JSON', () => {
  const td = small();
  const trace = encodeTempoJson(td, 'resourceSpans');
  assert.equal(encodeTraceByIdResponseJson(td, { inspectedBytes: 630188n }), `{"trace":${trace},"metrics":{"inspectedBytes":"630188"}}`);
  assert.equal(
    encodeTraceByIdResponseJson(td, { inspectedBytes: 5n, partial: true, message: 'Trace exceeds maximum size of 10 bytes, a partial trace is returned' }),
    `{"trace":${trace},"metrics":{"inspectedBytes":"5"},"status":"PARTIAL","message":"Trace exceeds maximum size of 10 bytes, a partial trace is returned"}`,
  );
  assert.equal(encodeTraceByIdResponseJson({ resourceSpans: [] }), '{"trace":{},"metrics":{}}');
});

test('export response and rpc status JSON', () => {
  assert.equal(encodeExportResponseJson(), '{}');
  assert.equal(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: '' }), '{}');
  assert.equal(encodeExportResponseJson({ rejectedSpans: 2, errorMessage: '2 spans had invalid trace ids' }), '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"2 spans had invalid trace ids"}}');
  assert.equal(encodeExportResponseJson({ rejectedSpans: 0, errorMessage: 'warn "x"' }), '{"partialSuccess":{"errorMessage":"warn \\"x\\""}}');
  assert.equal(
    encodeRpcStatusJson({ code: 3, message: 'cannot decode body', fieldViolations: [{ field: 'resourceSpans[0].scopeSpans[0].spans[3].traceId', description: 'must be 16 bytes' }] }),
    '{"code":3,"message":"cannot decode body","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{"field":"resourceSpans[0].scopeSpans[0].spans[3].traceId","description":"must be 16 bytes"}]}]}',
  );
  assert.equal(encodeRpcStatusJson({ code: 14, message: 'overloaded', fieldViolations: [] }), '{"code":14,"message":"overloaded"}');
  assert.equal(encodeRpcStatusJson({ code: 0, message: '' }), '{}');
});
