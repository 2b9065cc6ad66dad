import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportRequestJson } from './decode-json.ts';
import { decodeExportRequestProto } from './decode-proto.ts';
import { validateTracesData } from './validate.ts';
import { pbDecode } from '../test/fixtures.ts';
import { sdkPayloads } from '../test/sdk-payloads.ts';

const { spans, proto, json } = sdkPayloads(40);

test('OTel JS SDK protobuf and JSON payloads decode to the same model', () => {
  // The JSON has intValue as numbers and doubleValue null for NaN; both must land on the same values.
  assert.match(json, /"intValue":\d/);
  assert.match(json, /"doubleValue":null/);
  assert.deepEqual(decodeExportRequestJson(json), decodeExportRequestProto(proto));
});

test('our protobuf decoder agrees with protobufjs on a real payload', () => {
  assert.deepEqual(decodeExportRequestProto(proto), pbDecode(proto));
});

test('decoded spans carry what the SDK recorded', () => {
  const td = decodeExportRequestProto(proto);
  assert.equal(validateTracesData(td).rejected, 0);
  const rs = td.resourceSpans[0];
  assert.deepEqual(rs.resource.attributes.find((a) => a.key === 'service.name')?.value, { type: 'string', value: 'checkout' });
  assert.deepEqual(rs.resource.attributes.find((a) => a.key === 'process.pid')?.value, { type: 'int', value: 4242n });
  assert.equal(rs.scopeSpans[0].scope.name, '@opentelemetry/instrumentation-http');
  assert.equal(rs.scopeSpans[0].scope.version, '0.223.1');
  const decoded = rs.scopeSpans.flatMap((ss) => ss.spans);
  assert.equal(decoded.length, spans.length);
  for (let i = 0; i < spans.length; i++) {
    const want = spans[i];
    const got = decoded[i];
    const ctx = want.spanContext();
    assert.equal(got.traceId, ctx.traceId);
    assert.equal(got.spanId, ctx.spanId);
    assert.equal(got.parentSpanId, want.parentSpanContext?.spanId ?? '');
    assert.equal(got.name, want.name);
    assert.equal(got.kind, want.kind + 1);
    assert.equal(got.startTimeUnixNano, BigInt(want.startTime[0]) * 1_000_000_000n + BigInt(want.startTime[1]));
    assert.equal(got.endTimeUnixNano, BigInt(want.endTime[0]) * 1_000_000_000n + BigInt(want.endTime[1]));
    assert.equal(got.status.code, want.status.code);
    assert.equal(got.status.message, want.status.message ?? '');
    assert.equal(got.flags, 0x100 | ctx.traceFlags);
    assert.equal(got.attributes.length, Object.keys(want.attributes).length);
    assert.deepEqual(got.attributes.find((a) => a.key === 'order.items')?.value, {
      type: 'array',
      value: (want.attributes['order.items'] as string[]).map((v) => ({ type: 'string', value: v })),
    });
    assert.deepEqual(got.attributes.find((a) => a.key === 'thread.id')?.value, { type: 'int', value: BigInt(want.attributes['thread.id'] as number) });
    assert.deepEqual(got.attributes.find((a) => a.key === 'order.total')?.value, { type: 'double', value: want.attributes['order.total'] });
    assert.deepEqual(got.attributes.find((a) => a.key === 'ratio.nan')?.value, { type: 'double', value: want.attributes['ratio.nan'] });
    assert.deepEqual(got.events.map((e) => e.name), want.events.map((e) => e.name));
    assert.deepEqual(got.links.map((l) => l.spanId), want.links.map((l) => l.context.spanId));
  }
  assert.ok(decoded.some((s) => s.events.length > 0 && s.events[0].attributes.some((a) => a.key === 'exception.stacktrace')));
  assert.ok(decoded.some((s) => s.links.length > 0));
  assert.ok(decoded.some((s) => s.status.code === 2));
});
