import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base64ToBytes, bytesToBase64, tryBase64ToBytes } from './base64.ts';

test('bytesToBase64 matches the standard alphabet with padding (checked against btoa)', () => {
  for (let n = 0; n < 40; n++) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) & 255);
    assert.equal(bytesToBase64(b), btoa(String.fromCharCode(...b)), `length ${n}`);
  }
  assert.equal(bytesToBase64(new Uint8Array([0xfb, 0xff, 0xbf])), '+/+/');
});

test('base64ToBytes reads standard and url-safe, padded or not', () => {
  const b = new Uint8Array([0xfb, 0xff, 0xbf, 0x01]);
  assert.deepEqual(base64ToBytes('+/+/AQ=='), b);
  assert.deepEqual(base64ToBytes('-_-_AQ=='), b);
  assert.deepEqual(base64ToBytes('-_-_AQ'), b);
  assert.deepEqual(base64ToBytes(''), new Uint8Array(0));
  // Tempo's trace-by-ID JSON id from the reference.
  assert.equal(base64ToBytes('W47/95gDgQPSabYzgT/HAA==').length, 16);
});

test('invalid base64 is rejected, not guessed', () => {
  for (const bad of ['A', 'AB=C', 'AB===', 'A===', 'ab cd', 'AB\u00e9=', '====', 'ABC=D', 'AB=']) {
    assert.equal(tryBase64ToBytes(bad), undefined, bad);
  }
  assert.throws(() => base64ToBytes('*'), TypeError);
});

test('every length round-trips', () => {
  for (let n = 0; n < 70; n++) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 151 + 7) & 255);
    assert.deepEqual(base64ToBytes(bytesToBase64(b)), b);
  }
});
