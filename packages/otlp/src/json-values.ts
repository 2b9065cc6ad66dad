/**
 * Lenient readers for the scalar fields of OTLP/JSON (reference otlp.md §2.3): what the spec says
 * plus what real senders emit. Each takes the raw JSON value and the key it came from; failures
 * throw a JsonFieldError whose path the callers extend on the way out.
 */

import { bytesToHex, isHex } from './hex.ts';
import { tryBase64ToBytes } from './base64.ts';

/** A structural error in OTLP/JSON, carrying its path innermost-first until the top turns it into an OtlpDecodeError. */
export class JsonFieldError {
  readonly detail: string;
  readonly segments: string[];

  constructor(detail: string, segment?: string) {
    this.detail = detail;
    this.segments = segment === undefined ? [] : [segment];
  }

  /** Path such as `resourceSpans[0].scopeSpans[0].spans[3].traceId`. */
  path(): string {
    return this.segments.slice().reverse().join('.');
  }
}

/** Adds an enclosing path segment to a JsonFieldError; other errors pass through untouched. */
export function within(e: unknown, segment: string): unknown {
  if (e instanceof JsonFieldError) e.segments.push(segment);
  return e;
}

/** `12`, `"abc"`, `an object`: how a wrong value is shown in an error message. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  return String(v);
}

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An optional embedded message: absent/null is an empty one. */
export function optionalObject(v: unknown, key: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObject(v)) return v;
  throw new JsonFieldError(`expected an object, got ${describe(v)}`, key);
}

/** `null` means "not set" in proto3 JSON, so it reads like an absent key. */
export function readString(v: unknown, key: string): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  throw new JsonFieldError(`expected a string, got ${describe(v)}`, key);
}

/** uint32 / fixed32 (counts, flags): a JSON number, or a decimal string. */
export function readUint32(v: unknown, key: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw new JsonFieldError(`expected an unsigned 32-bit integer, got ${describe(v)}`, key);
}

const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;
const UINT64_MAX = 0xffffffffffffffffn;
const DIGITS = /^-?[0-9]+$/;

/**
 * int64 / uint64 / fixed64: a decimal string, an integer number, or an exponent-form number (OTel JS
 * sends `1e+21` for big floats). Out-of-range values clamp; fractions truncate.
 */
export function readInt64(v: unknown, key: string, unsigned: boolean): bigint {
  if (v === undefined || v === null) return 0n;
  let b: bigint | undefined;
  if (typeof v === 'string') {
    if (DIGITS.test(v)) b = BigInt(v);
    else if (v.trim() !== '') b = numberToBigInt(Number(v));
  } else if (typeof v === 'number') b = numberToBigInt(v);
  if (b === undefined) {
    throw new JsonFieldError(`expected ${unsigned ? 'an unsigned' : 'a'} 64-bit integer, got ${describe(v)}`, key);
  }
  if (unsigned) {
    if (b < 0n) throw new JsonFieldError(`expected an unsigned 64-bit integer, got ${describe(v)}`, key);
    return b > UINT64_MAX ? UINT64_MAX : b;
  }
  return b > INT64_MAX ? INT64_MAX : b < INT64_MIN ? INT64_MIN : b;
}

function numberToBigInt(n: number): bigint | undefined {
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : undefined;
}

/** double: a number, `"NaN"`/`"Infinity"`/`"-Infinity"` or a numeric string; `null` (OTel JS's NaN) reads as NaN. */
export function readDouble(v: unknown, key: string): number {
  if (typeof v === 'number') return v;
  if (v === null) return NaN;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const n = Number(v);
    if (v.trim() !== '' && Number.isFinite(n)) return n;
  }
  throw new JsonFieldError(`expected a number, got ${describe(v)}`, key);
}

/** Enums as integers (spec) or names (the Collector accepts them); unknown numbers read as 0, unknown names fail. */
export function readEnum(v: unknown, key: string, names: readonly string[], enumName: string): number {
  if (v === undefined || v === null) return 0;
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const i = names.indexOf(v);
    if (i >= 0) return i;
    if (DIGITS.test(v)) n = Number(v);
    else throw new JsonFieldError(`unknown ${enumName} ${describe(v)}`, key);
  }
  if (n !== undefined && Number.isInteger(n)) return n >= 0 && n < names.length ? n : 0;
  throw new JsonFieldError(`expected a ${enumName} number or name, got ${describe(v)}`, key);
}

/**
 * An id: hex in either case (spec), or base64 from pre-2020 senders and Tempo's JSON, accepted
 * only when it decodes to exactly the expected size (24/12 characters padded), which hex of the
 * right size never is. Hex of another size is kept as read so validation can name the length.
 */
export function readId(v: unknown, key: string, expectedBytes: number): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') throw new JsonFieldError(`expected a hex string, got ${describe(v)}`, key);
  const hex = isHex(v);
  if (hex && v.length === 2 * expectedBytes) return v.toLowerCase();
  const b64 = tryBase64ToBytes(v);
  if (b64 !== undefined && b64.length === expectedBytes) return bytesToHex(b64);
  if (hex) return v.toLowerCase();
  throw new JsonFieldError(`expected a hex string, got ${describe(v)}`, key);
}

/** bytesValue: standard or url-safe base64. */
export function readBytes(v: unknown, key: string): Uint8Array {
  if (typeof v === 'string') {
    const b = tryBase64ToBytes(v);
    if (b !== undefined) return b;
  }
  throw new JsonFieldError(`expected a base64 string, got ${describe(v)}`, key);
}

/** A repeated field: absent/null is empty, anything but an array fails. */
export function readArray(v: unknown, key: string): unknown[] {
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return [];
  throw new JsonFieldError(`expected an array, got ${describe(v)}`, key);
}

/** `o[a]`, or `o[b]` when that is absent or null: camelCase with its snake_case alias. */
export function pick(o: Record<string, unknown>, a: string, b: string): unknown {
  const v = o[a];
  return v !== undefined && v !== null ? v : o[b];
}
