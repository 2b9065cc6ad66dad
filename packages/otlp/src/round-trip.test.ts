import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportRequestJson } from './decode-json.ts';
import { decodeExportRequestProto } from './decode-proto.ts';
import { encodeOtlpJson, encodeTempoJson } from './encode-json.ts';
import { encodeTracesDataProto } from './encode-proto.ts';
import { bytesToHex } from './hex.ts';
import type { AnyValue, KeyValue, Span, TracesData } from './model.ts';
import { pbDecode, pbEncode, richTracesData } from '../test/fixtures.ts';
import { sdkPayloads } from '../test/sdk-payloads.ts';

/** Seeded random models: well-formed strings only (protobuf cannot carry lone surrogates). */
function randomTraces(seed: number): TracesData {
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', 'é', '日', '🎉', '\u2028', '\ufeff', '\u007f'];
  const str = () => Array.from({ length: int(4) === 0 ? int(80) : int(10) }, () => pick(chars)).join('');
  const id = (bytes: number) => bytesToHex(Uint8Array.from({ length: bytes }, () => int(256)));
  const big = (bits: number) => BigInt.asUintN(bits, (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32))) >> BigInt(int(bits));
  const value = (depth: number): AnyValue => {
    switch (int(depth > 2 ? 6 : 8)) {
      case 0: return { type: 'string', value: str() };
      case 1: return { type: 'bool', value: rand() < 0.5 };
      case 2: return { type: 'int', value: BigInt.asIntN(64, big(64)) };
      case 3: return { type: 'double', value: pick([0, -0, 1.5, -2e-300, 1e300, NaN, Infinity, -Infinity, rand() * 1e6]) };
      case 4: return { type: 'bytes', value: Uint8Array.from({ length: int(10) }, () => int(256)) };
      case 5: return { type: 'empty' };
      case 6: return { type: 'array', value: Array.from({ length: int(4) }, () => value(depth + 1)) };
      default: return { type: 'kvlist', value: attrs(depth + 1) };
    }
  };
  const attrs = (depth = 0): KeyValue[] => Array.from({ length: int(5) }, () => ({ key: str(), value: value(depth) }));
  const span = (): Span => ({
    traceId: id(16), spanId: id(8), parentSpanId: rand() < 0.3 ? '' : id(8), traceState: rand() < 0.7 ? '' : str(), name: str(),
    kind: int(6) as Span['kind'], startTimeUnixNano: big(64), endTimeUnixNano: big(64), attributes: attrs(), droppedAttributesCount: int(3),
    events: Array.from({ length: int(3) }, () => ({ timeUnixNano: big(64), name: str(), attributes: attrs(), droppedAttributesCount: int(2) })),
    droppedEventsCount: int(2),
    links: Array.from({ length: int(3) }, () => ({ traceId: id(16), spanId: id(8), traceState: str(), attributes: attrs(), droppedAttributesCount: int(2), flags: int(2 ** 32) })),
    droppedLinksCount: int(2), status: { code: int(3) as Span['status']['code'], message: rand() < 0.5 ? '' : str() }, flags: int(2 ** 32),
  });
  return {
    resourceSpans: Array.from({ length: 1 + int(3) }, () => ({
      resource: { attributes: attrs(), droppedAttributesCount: int(2) },
      schemaUrl: rand() < 0.5 ? '' : str(),
      scopeSpans: Array.from({ length: int(3) }, () => ({
        scope: { name: str(), version: str(), attributes: attrs(), droppedAttributesCount: int(2) },
        schemaUrl: rand() < 0.5 ? '' : str(),
        spans: Array.from({ length: int(4) }, span),
      })),
    })),
  };
}

test('model -> proto -> model, for the rich model and 300 random ones', () => {
  for (const td of [richTracesData(), ...Array.from({ length: 300 }, (_, i) => randomTraces(i + 1))]) {
    assert.deepEqual(decodeExportRequestProto(encodeTracesDataProto(td)), td);
  }
});

test('our encoder and protobufjs agree in both directions on random models', () => {
  for (let i = 0; i < 100; i++) {
    const td = randomTraces(1000 + i);
    assert.deepEqual(pbDecode(encodeTracesDataProto(td)), td);
    assert.deepEqual(decodeExportRequestProto(pbEncode(td)), td);
  }
});

test('model -> OTLP JSON / Tempo JSON -> model, for 300 random models', () => {
  for (let i = 0; i < 300; i++) {
    const td = randomTraces(5000 + i);
    assert.deepEqual(decodeExportRequestJson(encodeOtlpJson(td)), td);
    assert.deepEqual(decodeExportRequestJson(encodeTempoJson(td, 'batches')), td);
  }
});

test('a real SDK payload survives proto -> model -> proto, and -> JSON -> model', () => {
  const { proto } = sdkPayloads(30);
  const td = decodeExportRequestProto(proto);
  const again = encodeTracesDataProto(td);
  assert.deepEqual(decodeExportRequestProto(again), td);
  // The SDK also writes zero-valued fields (dropped counts, status code 0); we omit them.
  assert.ok(again.length < proto.length);
  assert.deepEqual(pbDecode(again), pbDecode(proto));
  assert.deepEqual(decodeExportRequestJson(encodeOtlpJson(td)), td);
});

test('lazily decoded span attributes equal eagerly decoded ones, and can be replaced', () => {
  for (let seed = 1; seed <= 100; seed++) {
    const bytes = encodeTracesDataProto(randomTraces(seed));
    const lazy = decodeExportRequestProto(bytes, { lazySpanAttributes: true });
    assert.deepEqual(lazy, decodeExportRequestProto(bytes), `seed ${seed}`);
  }
  const bytes = encodeTracesDataProto(richTracesData());
  const span = decodeExportRequestProto(bytes, { lazySpanAttributes: true }).resourceSpans[0].scopeSpans[0].spans[0];
  span.attributes = [];
  assert.deepEqual(span.attributes, []);
});
