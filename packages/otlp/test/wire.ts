/**
 * A minimal protobuf byte builder for tests, independent of the code under test: enough to
 * hand-assemble messages with unknown fields, groups, legacy fields and corrupt lengths.
 */

export type Bytes = number[];

export function varint(v: number | bigint): Bytes {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: Bytes = [];
  while (x > 127n) {
    out.push(Number(x & 127n) | 128);
    x >>= 7n;
  }
  out.push(Number(x));
  return out;
}

export function tag(field: number, wireType: number): Bytes {
  return varint((field << 3) | wireType);
}

export function lenField(field: number, payload: Bytes | Uint8Array): Bytes {
  return [...tag(field, 2), ...varint(payload.length), ...payload];
}

export function strField(field: number, s: string): Bytes {
  return lenField(field, [...new TextEncoder().encode(s)]);
}

export function varintField(field: number, v: number | bigint): Bytes {
  return [...tag(field, 0), ...varint(v)];
}

export function fixed64Field(field: number, v: bigint): Bytes {
  const out = tag(field, 1);
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < 8; i++) {
    out.push(Number(x & 255n));
    x >>= 8n;
  }
  return out;
}

export function fixed32Field(field: number, v: number): Bytes {
  const out = tag(field, 5);
  for (let i = 0; i < 4; i++) out.push((v >>> (8 * i)) & 255);
  return out;
}

export function doubleField(field: number, v: number): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...tag(field, 1), ...b];
}

/** One unknown field of every valid wire type, groups included (nested, with content). */
export function unknownFields(base = 900): Bytes {
  return [
    ...varintField(base, 12345678901234n),
    ...fixed64Field(base + 1, 42n),
    ...strField(base + 2, 'ignored'),
    ...fixed32Field(base + 3, 7),
    ...tag(base + 4, 3), ...varintField(1, 1), ...tag(base + 5, 3), ...strField(2, 'x'), ...tag(base + 5, 4), ...tag(base + 4, 4),
  ];
}

export const bytes = (...parts: Bytes[]): Uint8Array => Uint8Array.from(parts.flat());
