import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtoReader } from './proto-reader.ts';
import { ProtoWriter, varintSize } from './proto-writer.ts';
import { varint } from '../test/wire.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('varints match the reference encoding', () => {
  for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n, 2n ** 63n - 1n, -1n, -(2n ** 63n), -300n]) {
    const w = new ProtoWriter(1);
    w.int64(v);
    assert.equal(hex(w.finish()), hex(Uint8Array.from(varint(v))), String(v));
  }
  for (const v of [0, 1, 127, 128, 16383, 16384, 2 ** 21, 2 ** 28, 2 ** 32 - 1]) {
    const w = new ProtoWriter(1);
    w.uint32(v);
    assert.equal(hex(w.finish()), hex(Uint8Array.from(varint(v))), String(v));
    assert.equal(varintSize(v), varint(v).length);
  }
  const w = new ProtoWriter(1);
  w.int32(-2);
  assert.equal(hex(w.finish()), hex(Uint8Array.from(varint(-2n))));
});

test('string length prefixes at the 1/2/3-byte boundaries', () => {
  for (const s of ['', 'a'.repeat(42), 'a'.repeat(43), 'é'.repeat(42), 'a'.repeat(127), 'a'.repeat(128), '€'.repeat(42), '€'.repeat(43), 'a'.repeat(16383), 'a'.repeat(16384), '€'.repeat(5461), '€'.repeat(5462)]) {
    const w = new ProtoWriter(1);
    w.string(s);
    w.uint32(7);
    const r = new ProtoReader(w.finish(), 'T');
    assert.equal(r.string(), s);
    assert.equal(r.uint32(), 7);
    assert.equal(r.pos, r.end);
  }
});

test('begin/end fix up wrong length guesses in both directions', () => {
  for (const [guess, body] of [[1, 200], [1, 20000], [5, 3], [2, 0], [3, 127], [1, 128]]) {
    const w = new ProtoWriter(1);
    w.uint32(10);
    const s = w.begin(guess);
    for (let i = 0; i < body; i++) w.uint32(i & 127);
    w.end(s, guess);
    w.uint32(99);
    const out = w.finish();
    assert.equal(out.length, 1 + varintSize(body) + body + 1, `guess ${guess}, body ${body}`);
    const r = new ProtoReader(out, 'T');
    r.tag();
    assert.equal(r.len(), body);
    r.pos += body;
    assert.equal(r.uint32(), 99);
  }
});

test('fixed-width values and bytes', () => {
  const w = new ProtoWriter(1);
  w.fixed64(2n ** 64n - 2n);
  w.fixed32(0xfffffffe);
  w.double(-0.5);
  w.bytes(new Uint8Array([9, 8]));
  w.hexBytes('00ff');
  assert.equal(hex(w.finish()), 'feffffffffffffff' + 'feffffff' + '000000000000e0bf' + '020908' + '0200ff');
});
