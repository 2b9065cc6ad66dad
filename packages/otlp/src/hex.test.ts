import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes, isHex, writeHex } from './hex.ts';

test('bytesToHex writes lowercase, zero-padded pairs, over a range', () => {
  const b = new Uint8Array([0, 1, 0x0f, 0x10, 0xab, 0xff]);
  assert.equal(bytesToHex(b), '00010f10abff');
  assert.equal(bytesToHex(b, 2, 5), '0f10ab');
  assert.equal(bytesToHex(new Uint8Array(0)), '');
});

test('hexToBytes reads either case and rejects bad input', () => {
  assert.deepEqual(hexToBytes('5B8EFFF798038103d269b633813fc60c'), new Uint8Array([0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, 0x0c]));
  assert.deepEqual(hexToBytes(''), new Uint8Array(0));
  assert.throws(() => hexToBytes('abc'), TypeError);
  assert.throws(() => hexToBytes('zz'), TypeError);
  assert.throws(() => hexToBytes('0g'), TypeError);
  assert.throws(() => hexToBytes('é0'), TypeError);
});

test('isHex and writeHex agree with hexToBytes', () => {
  assert.equal(isHex(''), true);
  assert.equal(isHex('aBcD'), true);
  assert.equal(isHex('abc'), false);
  assert.equal(isHex('ab_d'), false);
  assert.equal(isHex('\u0130\u0130'), false);
  const out = new Uint8Array(4);
  assert.equal(writeHex('cafe', out, 1), 2);
  assert.deepEqual(out, new Uint8Array([0, 0xca, 0xfe, 0]));
  assert.equal(writeHex('caf', out, 0), -1);
  assert.equal(writeHex('cafx', out, 0), -1);
});

test('every byte round-trips', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(hexToBytes(bytesToHex(all)), all);
  assert.deepEqual(hexToBytes(bytesToHex(all).toUpperCase()), all);
});
