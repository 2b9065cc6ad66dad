import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportRequestProto } from './decode-proto.ts';
import { OtlpDecodeError } from './errors.ts';
import type { TracesData } from './model.ts';
import { everyValue, kv, modelToPb, pb, pbEncode, richTracesData, span, wrap } from '../test/fixtures.ts';
import { sdkPayloads } from '../test/sdk-payloads.ts';
import {
  bytes, doubleField, fixed32Field, fixed64Field, lenField, strField, tag, unknownFields, varint, varintField, type Bytes,
} from '../test/wire.ts';

function expectDecodeError(b: Uint8Array, re?: RegExp): OtlpDecodeError {
  try {
    decodeExportRequestProto(b);
  } catch (e) {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${(e as Error)?.stack ?? String(e)}`);
    if (re) assert.match(e.message, re);
    return e;
  }
  assert.fail('expected an OtlpDecodeError');
}

test('reads back every field protobufjs writes from the independent schema', () => {
  const td = richTracesData();
  assert.deepEqual(decodeExportRequestProto(pbEncode(td)), td);
});

test('every AnyValue type, one attribute at a time', () => {
  for (const a of everyValue()) {
    const td = wrap([span({ attributes: [a] })]);
    assert.deepEqual(decodeExportRequestProto(pbEncode(td)), td, a.key);
  }
});

test('empty input and empty envelopes decode as empty structures', () => {
  assert.deepEqual(decodeExportRequestProto(new Uint8Array(0)), { resourceSpans: [] });
  const td = decodeExportRequestProto(bytes(lenField(1, [])));
  assert.deepEqual(td, {
    resourceSpans: [{ resource: { attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] }],
  });
});

test('a Node Buffer works as input, and bytes values are independent copies', () => {
  const td = wrap([span({ attributes: [kv('b', { type: 'bytes', value: new Uint8Array([1, 2, 3]) })] })]);
  const buf = Buffer.from(pbEncode(td));
  const out = decodeExportRequestProto(buf);
  assert.deepEqual(out, td);
  const v = out.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value;
  assert.ok(v.type === 'bytes' && v.value.constructor === Uint8Array);
  buf.fill(0);
  assert.deepEqual(v.type === 'bytes' && [...v.value], [1, 2, 3]);
});

test('legacy field 1000 (instrumentation_library_spans) is used only when scope_spans is empty', () => {
  const td = richTracesData();
  const obj = modelToPb(td) as { resourceSpans: Record<string, unknown>[] };
  for (const rs of obj.resourceSpans) {
    rs.deprecatedScopeSpans = rs.scopeSpans;
    rs.scopeSpans = [];
  }
  const legacy = pb.request.encode(pb.request.fromObject(obj)).finish();
  assert.deepEqual(decodeExportRequestProto(legacy), td);

  // Both present: field 2 wins, field 1000 is ignored.
  const both = modelToPb(td) as { resourceSpans: Record<string, unknown>[] };
  for (const rs of both.resourceSpans) rs.deprecatedScopeSpans = [{ spans: [{ name: 'ignored' }] }];
  assert.deepEqual(decodeExportRequestProto(pb.request.encode(pb.request.fromObject(both)).finish()), td);
});

/** request -> one ResourceSpans -> one ScopeSpans -> one span with the given raw span fields. */
function rawSpan(...spanFields: Bytes[]): Uint8Array {
  return bytes(lenField(1, lenField(2, lenField(2, spanFields.flat()))));
}

function firstSpan(td: TracesData) {
  return td.resourceSpans[0].scopeSpans[0].spans[0];
}

test('legacy Status.deprecated_code: non-zero with code unset means ERROR', () => {
  const status = (...f: Bytes[]) => firstSpan(decodeExportRequestProto(rawSpan(lenField(15, f.flat()))));
  assert.deepEqual(status(varintField(1, 1)).status, { code: 2, message: '' });
  assert.deepEqual(status(varintField(1, 0)).status, { code: 0, message: '' });
  assert.deepEqual(status(varintField(1, 2), varintField(3, 1), strField(2, 'ok')).status, { code: 1, message: 'ok' });
});

test('unknown fields of every wire type are skipped at every level', () => {
  const u = unknownFields();
  const anyStr = (s: string) => [...strField(1, s), ...u];
  const payload = bytes(
    u,
    lenField(1, [
      ...u,
      ...lenField(1, [...u, ...lenField(1, [...strField(1, 'service.name'), ...u, ...lenField(2, anyStr('svc')), ...varintField(3, 7)]), ...lenField(3, strField(1, 'entity'))]),
      ...lenField(2, [
        ...u,
        ...lenField(1, [...strField(1, 'scope'), ...u, ...strField(2, '1.0')]),
        ...lenField(2, [
          ...u,
          ...lenField(1, new Uint8Array(16).fill(1)),
          ...u,
          ...lenField(2, new Uint8Array(8).fill(2)),
          ...strField(5, 'op'),
          ...lenField(9, [...strField(1, 'arr'), ...lenField(2, [...u, ...lenField(5, [...u, ...lenField(1, anyStr('x'))])])]),
          ...lenField(9, [...strField(1, 'kvl'), ...lenField(2, lenField(6, [...u, ...lenField(1, [...strField(1, 'k'), ...lenField(2, anyStr('v'))])]))]),
          ...lenField(9, [...strField(1, 'strindex'), ...lenField(2, varintField(8, 3))]),
          ...lenField(11, [...u, ...strField(2, 'ev')]),
          ...lenField(13, [...u, ...lenField(1, new Uint8Array(16).fill(3)), ...lenField(2, new Uint8Array(8).fill(4))]),
          ...lenField(15, [...u, ...varintField(3, 2)]),
          ...u,
        ]),
      ]),
    ]),
    u,
  );
  const td = decodeExportRequestProto(payload);
  const s = firstSpan(td);
  assert.equal(td.resourceSpans.length, 1);
  assert.deepEqual(td.resourceSpans[0].resource.attributes, [kv('service.name', { type: 'string', value: 'svc' })]);
  assert.deepEqual(td.resourceSpans[0].scopeSpans[0].scope, { name: 'scope', version: '1.0', attributes: [], droppedAttributesCount: 0 });
  assert.equal(s.traceId, '01'.repeat(16));
  assert.equal(s.spanId, '02'.repeat(8));
  assert.equal(s.name, 'op');
  assert.deepEqual(s.attributes, [
    kv('arr', { type: 'array', value: [{ type: 'string', value: 'x' }] }),
    kv('kvl', { type: 'kvlist', value: [kv('k', { type: 'string', value: 'v' })] }),
    kv('strindex', { type: 'empty' }),
  ]);
  assert.equal(s.events[0].name, 'ev');
  assert.deepEqual([s.links[0].traceId, s.links[0].spanId], ['03'.repeat(16), '04'.repeat(8)]);
  assert.equal(s.status.code, 2);
});

test('a known field with an unexpected wire type is skipped like an unknown field', () => {
  const s = firstSpan(decodeExportRequestProto(rawSpan(varintField(5, 3), fixed32Field(7, 9), strField(16, 'x'), strField(2, 'ok'))));
  assert.equal(s.name, '');
  assert.equal(s.startTimeUnixNano, 0n);
  assert.equal(s.flags, 0);
  assert.equal(s.spanId, '6f6b');
});

test('unknown enum numbers read as UNSPECIFIED/UNSET; negative ones too', () => {
  const s = firstSpan(decodeExportRequestProto(rawSpan(varintField(6, 9), lenField(15, varintField(3, -1)))));
  assert.equal(s.kind, 0);
  assert.equal(s.status.code, 0);
});

test('the oneof takes the last member on the wire; repeated embedded messages merge', () => {
  const s = firstSpan(decodeExportRequestProto(rawSpan(
    lenField(9, [...strField(1, 'k'), ...lenField(2, [...strField(1, 'first'), ...varintField(3, -7), ...doubleField(4, 0.5)])]),
    lenField(15, strField(2, 'msg')),
    lenField(15, varintField(3, 2)),
  )));
  assert.deepEqual(s.attributes, [kv('k', { type: 'double', value: 0.5 })]);
  assert.deepEqual(s.status, { code: 2, message: 'msg' });
});

test('ids are hex of whatever bytes arrived; timestamps up to 2^64-1 are exact', () => {
  const s = firstSpan(decodeExportRequestProto(rawSpan(lenField(1, [0xab, 0xcd, 0xef]), lenField(4, []), fixed64Field(7, 2n ** 63n + 1n), fixed64Field(8, 2n ** 64n - 1n))));
  assert.equal(s.traceId, 'abcdef');
  assert.equal(s.parentSpanId, '');
  assert.equal(s.startTimeUnixNano, 9223372036854775809n);
  assert.equal(s.endTimeUnixNano, 18446744073709551615n);
});

test('errors name the field, the message and the byte offset', () => {
  // A Span that ends the body 3 bytes into an 8-byte timestamp.
  expectDecodeError(rawSpan([...tag(7, 1), 1, 2, 3]), /^truncated protobuf: field 7 \(start_time_unix_nano\) of Span needs 8 bytes at offset 7, only 3 left$/);
  // The same Span followed by more data: its declared length is wrong, so the input is malformed.
  expectDecodeError(bytes([...rawSpan([...tag(7, 1), 1, 2, 3])], lenField(1, [])), /^malformed protobuf \(past the end of Span\): field 7 \(start_time_unix_nano\) of Span needs 8 bytes at offset 7, only 3 left$/);
  // A body cut short: the outermost length is what no longer fits.
  const full = pbEncode(richTracesData());
  expectDecodeError(full.subarray(0, 100), /^truncated protobuf: field 1 \(resource_spans\) of ExportTraceServiceRequest needs \d+ bytes at offset 3, only 97 left$/);
  expectDecodeError(rawSpan(lenField(9, lenField(2, [...tag(3, 0), 0x80]))), /varint of field 3 \(int_value\) of AnyValue runs past the end at offset 11$/);
  expectDecodeError(rawSpan(lenField(11, [...tag(1, 1), 0])), /field 1 \(time_unix_nano\) of Span.Event needs 8 bytes/);
  expectDecodeError(bytes([0x0b]), /invalid protobuf: end-group|has no end-group/);
});

test('a payload cut at every byte offset throws OtlpDecodeError, never another error', () => {
  const { proto } = sdkPayloads(12);
  for (let cut = 1; cut < proto.length; cut++) expectDecodeError(proto.subarray(0, cut));
  assert.equal(decodeExportRequestProto(proto).resourceSpans[0].scopeSpans[0].spans.length, 12);
});

test('corrupt bytes never hang or leak a RangeError/TypeError', () => {
  const { proto } = sdkPayloads(6);
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 3000; i++) {
    const b = proto.slice();
    const flips = 1 + Math.floor(rand() * 4);
    for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    try {
      decodeExportRequestProto(b);
    } catch (e) {
      assert.ok(e instanceof OtlpDecodeError, String(e));
    }
  }
  for (let i = 0; i < 2000; i++) {
    const b = Uint8Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));
    try {
      decodeExportRequestProto(b);
    } catch (e) {
      assert.ok(e instanceof OtlpDecodeError, String(e));
    }
  }
});

test('values nested past the depth limit fail with OtlpDecodeError', () => {
  let v: Bytes = strField(1, 'leaf');
  for (let i = 0; i < 200; i++) v = lenField(5, lenField(1, v));
  expectDecodeError(rawSpan(lenField(9, [...strField(1, 'deep'), ...lenField(2, v)])), /nested deeper than 100 levels/);
  // 40 levels is fine.
  let ok: Bytes = strField(1, 'leaf');
  for (let i = 0; i < 40; i++) ok = lenField(5, lenField(1, ok));
  const s = firstSpan(decodeExportRequestProto(rawSpan(lenField(9, [...strField(1, 'deep'), ...lenField(2, ok)]))));
  assert.equal(s.attributes[0].value.type, 'array');
});

test('flags and dropped counts use their full 32-bit range', () => {
  const s = firstSpan(decodeExportRequestProto(rawSpan(fixed32Field(16, 0xffffffff), varintField(10, 0xffffffff), varintField(12, 2 ** 32 + 5))));
  assert.equal(s.flags, 0xffffffff);
  assert.equal(s.droppedAttributesCount, 0xffffffff);
  assert.equal(s.droppedEventsCount, 5);
});

test('varint ints of every size match protobufjs', () => {
  const values = [0n, 1n, -1n, 127n, 128n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
  for (const v of values) {
    for (let shift = 0n; shift < 64n; shift += 7n) {
      const x = BigInt.asIntN(64, v >> shift);
      const td = wrap([span({ attributes: [kv('i', { type: 'int', value: x })] })]);
      assert.deepEqual(decodeExportRequestProto(pbEncode(td)), td, String(x));
    }
  }
  assert.equal(varint(-(2n ** 63n)).length, 10);
});

test('spans sharing a trace id share one string; other ids in between do not confuse it', () => {
  const a = 'ab'.repeat(16);
  const b = 'cd'.repeat(16);
  const link = { traceId: b, spanId: '01'.repeat(8), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  const td = wrap([span({ traceId: a }), span({ traceId: a, links: [link] }), span({ traceId: b }), span({ traceId: a }), span({ traceId: 'ab'.repeat(15) + 'ac' })]);
  const out = decodeExportRequestProto(pbEncode(td));
  assert.deepEqual(out, td);
  const ids = out.resourceSpans[0].scopeSpans[0].spans.map((s) => s.traceId);
  assert.deepEqual(ids, [a, a, b, a, 'ab'.repeat(15) + 'ac']);
});
