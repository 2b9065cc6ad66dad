import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeExportRequestProto } from './decode-proto.ts';
import { encodeTracesDataProto } from './encode-proto.ts';
import { encodeExportResponseProto, encodeRpcStatusProto, encodeTraceByIdResponseProto } from './encode-proto-responses.ts';
import { everyValue, kv, pb, pbDecode, pbObjectToModel, richTracesData, span, wrap } from '../test/fixtures.ts';

test('protobufjs reads back everything we write', () => {
  const td = richTracesData();
  assert.deepEqual(pbDecode(encodeTracesDataProto(td)), td);
  for (const a of everyValue()) {
    const one = wrap([span({ attributes: [a] })]);
    assert.deepEqual(pbDecode(encodeTracesDataProto(one)), one, a.key);
  }
});

test('proto3: zero and empty fields are omitted, ids written', () => {
  const td = wrap([span({ name: '', kind: 0, startTimeUnixNano: 0n, endTimeUnixNano: 0n, traceId: '01'.repeat(16), spanId: '02'.repeat(8) })]);
  const hex = Buffer.from(encodeTracesDataProto(td)).toString('hex');
  // request.resource_spans { scope_spans { spans { trace_id, span_id } } }: no resource, no scope.
  assert.equal(hex, '0a20' + '121e' + '121c' + '0a10' + '01'.repeat(16) + '1208' + '02'.repeat(8));
  assert.equal(encodeTracesDataProto({ resourceSpans: [] }).length, 0);
});

test('oneof members are written even at their zero value', () => {
  const bytesOf = (v: Parameters<typeof kv>[1]) =>
    Buffer.from(encodeTracesDataProto(wrap([span({ traceId: '', spanId: '', name: '', kind: 0, startTimeUnixNano: 0n, endTimeUnixNano: 0n, attributes: [kv('', v)] })]))).toString('hex');
  // ... spans { attributes { value { <member> } } }
  assert.match(bytesOf({ type: 'int', value: 0n }), /4a0412021800$/);
  assert.match(bytesOf({ type: 'bool', value: false }), /4a0412021000$/);
  assert.match(bytesOf({ type: 'string', value: '' }), /4a0412020a00$/);
  assert.match(bytesOf({ type: 'double', value: 0 }), /4a0b1209210000000000000000$/);
  assert.match(bytesOf({ type: 'empty' }), /4a021200$/);
  assert.match(bytesOf({ type: 'int', value: -1n }), /4a0d120b18ffffffffffffffffff01$/);
});

test('strings: multi-byte lengths, non-ASCII, lone surrogates as U+FFFD (like TextEncoder)', () => {
  const values = ['é'.repeat(42), 'x'.repeat(43), '日本'.repeat(30), '🎉'.repeat(50), 'a'.repeat(200), 'b'.repeat(20000), 'lone \ud800 high', 'lone \udc00 low', 'end \ud83c', '\ud83c\ud83c\udf89'];
  for (const s of values) {
    const td = wrap([span({ name: s, attributes: [kv(s, { type: 'string', value: s })] })]);
    const back = decodeExportRequestProto(encodeTracesDataProto(td));
    const want = new TextDecoder().decode(new TextEncoder().encode(s));
    assert.equal(back.resourceSpans[0].scopeSpans[0].spans[0].name, want);
    assert.equal(pbDecode(encodeTracesDataProto(td)).resourceSpans[0].scopeSpans[0].spans[0].attributes[0].key, want);
  }
});

test('messages larger than their length-prefix guess (multi-MB) and smaller ones both come out right', () => {
  const big = 'z'.repeat(3_000_000);
  const td = wrap([span({ attributes: [kv('big', { type: 'string', value: big })] }), span({ spanId: '1'.repeat(16) })], [kv('r', { type: 'string', value: big })]);
  const bytes = encodeTracesDataProto(td);
  assert.deepEqual(decodeExportRequestProto(bytes), td);
  assert.deepEqual(pbDecode(bytes), td);
  const tiny = wrap([span({ name: '', traceId: '', spanId: 'ab', startTimeUnixNano: 0n, endTimeUnixNano: 0n, kind: 0 })]);
  assert.deepEqual(pbDecode(encodeTracesDataProto(tiny)), tiny);
});

test('a non-hex id in the model is a caller bug: TypeError', () => {
  assert.throws(() => encodeTracesDataProto(wrap([span({ traceId: 'xyz1' })])), TypeError);
});

test("Tempo's TraceByIDResponse", () => {
  const td = richTracesData();
  const msg = pb.traceByIdResponse.toObject(pb.traceByIdResponse.decode(encodeTraceByIdResponseProto(td, { inspectedBytes: 630188n, partial: true, message: 'Trace exceeds maximum size' })), { longs: String, enums: Number, defaults: true, arrays: true, oneofs: true });
  assert.deepEqual(pbObjectToModel(msg.trace as Record<string, unknown>), td);
  assert.equal((msg.metrics as { inspectedBytes: string }).inspectedBytes, '630188');
  assert.equal(msg.status, 1); // PARTIAL
  assert.equal(msg.message, 'Trace exceeds maximum size');
  const empty = encodeTraceByIdResponseProto({ resourceSpans: [] });
  // trace = {} and metrics = {} are present; status COMPLETE and message omitted.
  assert.equal(Buffer.from(empty).toString('hex'), '0a001200');
  const complete = pb.traceByIdResponse.decode(encodeTraceByIdResponseProto(wrap([span()]), { inspectedBytes: 0n })) as unknown as Record<string, unknown>;
  assert.equal(complete.status, 0);
});

test('ExportTraceServiceResponse: empty for full success, partial_success otherwise', () => {
  assert.equal(encodeExportResponseProto().length, 0);
  assert.equal(encodeExportResponseProto({ rejectedSpans: 0, errorMessage: '' }).length, 0);
  const obj = pb.response.toObject(pb.response.decode(encodeExportResponseProto({ rejectedSpans: 2, errorMessage: '2 spans had invalid trace ids' })), { longs: String });
  assert.deepEqual(obj, { partialSuccess: { rejectedSpans: '2', errorMessage: '2 spans had invalid trace ids' } });
  const warn = pb.response.toObject(pb.response.decode(encodeExportResponseProto({ rejectedSpans: 0, errorMessage: 'warning' })), { longs: String });
  assert.deepEqual(warn, { partialSuccess: { errorMessage: 'warning' } });
});

test('google.rpc.Status with BadRequest details', () => {
  const bytes = encodeRpcStatusProto({
    code: 3,
    message: 'cannot decode body',
    fieldViolations: [{ field: 'resourceSpans[0].scopeSpans[0].spans[3].traceId', description: 'must be 16 bytes' }, { field: 'x', description: 'ü' }],
  });
  const st = pb.rpcStatus.toObject(pb.rpcStatus.decode(bytes)) as { code: number; message: string; details: { typeUrl: string; value: Uint8Array }[] };
  assert.equal(st.code, 3);
  assert.equal(st.message, 'cannot decode body');
  assert.equal(st.details.length, 1);
  assert.equal(st.details[0].typeUrl, 'type.googleapis.com/google.rpc.BadRequest');
  assert.deepEqual(pb.badRequest.toObject(pb.badRequest.decode(st.details[0].value)), {
    fieldViolations: [{ field: 'resourceSpans[0].scopeSpans[0].spans[3].traceId', description: 'must be 16 bytes' }, { field: 'x', description: 'ü' }],
  });
  assert.deepEqual(pb.rpcStatus.toObject(pb.rpcStatus.decode(encodeRpcStatusProto({ code: 14, message: 'overloaded' }))), { code: 14, message: 'overloaded' });
  assert.equal(Buffer.from(encodeRpcStatusProto({ code: -1, message: '' })).toString('hex'), '08ffffffffffffffffff01');
});
