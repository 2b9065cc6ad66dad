import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OtlpDecodeError } from './errors.ts';
import { ProtoReader } from './proto-reader.ts';
import { bytes, fixed32Field, fixed64Field, lenField, tag, unknownFields, varint } from '../test/wire.ts';

const names = { M: { 1: 'one', 7: 'start_time_unix_nano' } };
const reader = (b: Uint8Array) => new ProtoReader(b, 'M', names);

test('varints: uint32 keeps the low 32 bits, int64 is signed, uint64 unsigned', () => {
  const cases: [bigint, number, bigint][] = [
    [0n, 0, 0n],
    [1n, 1, 1n],
    [127n, 127, 127n],
    [128n, 128, 128n],
    [0xffffffffn, 0xffffffff, 0xffffffffn],
    [0x100000000n, 0, 0x100000000n],
    [9223372036854775807n, 0xffffffff, 9223372036854775807n],
    [-1n, 0xffffffff, -1n],
    [-2n, 0xfffffffe, -2n],
    [-9223372036854775808n, 0, -9223372036854775808n],
    [-4294967296n, 0, -4294967296n],
    [-2147483648n, 0x80000000, -2147483648n],
  ];
  for (const [v, u32, i64] of cases) {
    const b = bytes(varint(v));
    assert.equal(reader(b).uint32(), u32, `uint32 of ${v}`);
    assert.equal(reader(b).int64(), i64, `int64 of ${v}`);
    assert.equal(reader(b).uint64(), BigInt.asUintN(64, v), `uint64 of ${v}`);
  }
  assert.equal(reader(bytes(varint(-5n))).int32(), -5);
  // Negative int64 take 10 bytes on the wire.
  assert.equal(varint(-1n).length, 10);
});

test('fixed64, fixed32 and double are little-endian', () => {
  const r = reader(bytes(fixed64Field(7, 0xfedcba9876543210n), fixed32Field(2, 0x80000001), fixed64Field(3, 2n ** 64n - 1n)));
  r.tag();
  assert.equal(r.fixed64(), 0xfedcba9876543210n);
  r.tag();
  assert.equal(r.fixed32(), 0x80000001);
  r.tag();
  assert.equal(r.fixed64(), 2n ** 64n - 1n);
});

test('strings: invalid UTF-8 is replaced, a leading BOM is kept, interning never mixes strings up', () => {
  assert.equal(reader(bytes(varint(3), [0x61, 0xff, 0x62])).string(), 'a\ufffdb');
  assert.equal(reader(bytes(varint(3), [0xf0, 0x9f, 0x8e])).string().startsWith('\ufffd'), true);
  assert.equal(reader(bytes(varint(5), [0xef, 0xbb, 0xbf, 0x68, 0x69])).string(), '\ufeffhi');
  // Many distinct short strings through the same direct-mapped table: each must read back exactly.
  const enc = new TextEncoder();
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 20000; i++) {
      const s = `k${i.toString(36)}${'.x'.repeat(i % 9)}`;
      const b = enc.encode(s);
      assert.equal(reader(bytes(varint(b.length), [...b])).string(), s);
    }
  }
});

test('skip handles every wire type, including nested groups', () => {
  const b = bytes(unknownFields(), tag(1, 0), varint(99));
  const r = reader(b);
  const seen: number[] = [];
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 8) seen.push(r.uint32());
    else r.skip(t);
  }
  assert.deepEqual(seen, [99]);
});

function throwsDecode(b: Uint8Array, re: RegExp, read: (r: ProtoReader) => void = drain) {
  assert.throws(() => read(reader(b)), (e: unknown) => {
    assert.ok(e instanceof OtlpDecodeError, `expected OtlpDecodeError, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

function drain(r: ProtoReader) {
  while (r.pos < r.end) r.skip(r.tag());
}

test('malformed wire data fails with OtlpDecodeError naming field and offset', () => {
  throwsDecode(bytes([0x0f]), /invalid protobuf: wire type 7 in field 1 \(one\) of M at offset 1/);
  throwsDecode(bytes([0x0e]), /wire type 6/);
  throwsDecode(bytes([0x00]), /field number 0/);
  throwsDecode(bytes(tag(3, 4)), /end-group tag without a start-group/);
  throwsDecode(bytes(tag(3, 3), tag(4, 4)), /end-group tag for field 4 closes group field 3/);
  throwsDecode(bytes(tag(3, 3), tag(1, 0), [1]), /truncated protobuf: group field 3 of M has no end-group tag at offset 1/);
  throwsDecode(bytes(tag(2, 0), Array(11).fill(0x80), [0]), /varint of field 2 of M is longer than 10 bytes at offset 1/);
  throwsDecode(bytes(tag(2, 0), [0x80]), /truncated protobuf: varint of field 2 of M runs past the end at offset 1/);
  throwsDecode(bytes([0x80]), /truncated protobuf: tag in M runs past the end at offset 0/);
  throwsDecode(bytes(tag(7, 1), [1, 2, 3]), /^truncated protobuf: field 7 \(start_time_unix_nano\) of M needs 8 bytes at offset 1, only 3 left$/);
  throwsDecode(bytes(tag(2, 5), [1]), /field 2 of M needs 4 bytes at offset 1, only 1 left/);
  throwsDecode(bytes(tag(1, 2), varint(10), [1, 2]), /field 1 \(one\) of M needs 10 bytes at offset 2, only 2 left/);
  throwsDecode(bytes(tag(1, 2), varint(0xffffffff)), /needs 4294967295 bytes/);
  // Inside an embedded message the limit is the message's declared length, not the buffer's.
  throwsDecode(bytes(lenField(1, [...tag(7, 1), 1, 2, 3]), [0, 0, 0, 0, 0, 0, 0, 0]), /malformed protobuf \(past the end of N\): field 7 of N needs 8 bytes at offset 3, only 3 left/, (r) => {
    r.tag();
    r.enter('N');
    drain(r);
  });
  const err = (() => {
    try {
      drain(reader(bytes(tag(7, 1), [1])));
    } catch (e) {
      return e as OtlpDecodeError;
    }
  })();
  assert.equal(err?.offset, 1);
});

test('groups nested past the depth limit fail cleanly', () => {
  const b = bytes(...Array.from({ length: 200 }, (_, i) => tag(i + 1, 3)));
  throwsDecode(b, /groups nested deeper than 100 levels/);
});
