/**
 * Re-using pre-encoded bodies without re-sending the same spans: the load tester keeps a pool of
 * bodies and, on each pass over the pool, rewrites the first 4 bytes of every trace id in a copy
 * (XOR with a per-pass salt). Ids stay consistent inside a body (links included), and the server sees new
 * traces instead of deduplicating retries. Only uncompressed bodies can be patched.
 */
import type { OtlpFormat } from './send.ts';

/** Offsets of every trace id in an encoded body: byte offsets (protobuf) or hex-char offsets (JSON). */
export function traceIdOffsets(body: Uint8Array, format: OtlpFormat): Int32Array {
  return format === 'json' ? jsonOffsets(body) : protoOffsets(body);
}

/** Copies `src` into `out` (same length) with trace ids salted; salt 0 leaves them unchanged. */
export function saltTraceIds(src: Uint8Array, offsets: Int32Array, format: OtlpFormat, salt: number, out: Uint8Array = new Uint8Array(src.length)): Uint8Array {
  out.set(src);
  if (salt === 0) return out;
  const s0 = (salt >>> 24) & 255;
  const s1 = (salt >>> 16) & 255;
  const s2 = (salt >>> 8) & 255;
  const s3 = salt & 255;
  if (format === 'json') {
    for (let k = 0; k < offsets.length; k++) {
      const o = offsets[k];
      writeHexByte(out, o, readHexByte(out, o) ^ s0);
      writeHexByte(out, o + 2, readHexByte(out, o + 2) ^ s1);
      writeHexByte(out, o + 4, readHexByte(out, o + 4) ^ s2);
      writeHexByte(out, o + 6, readHexByte(out, o + 6) ^ s3);
    }
  } else {
    for (let k = 0; k < offsets.length; k++) {
      const o = offsets[k];
      out[o] ^= s0;
      out[o + 1] ^= s1;
      out[o + 2] ^= s2;
      out[o + 3] ^= s3;
    }
  }
  return out;
}

// --- protobuf: TracesData.resource_spans(1) > ResourceSpans.scope_spans(2) > ScopeSpans.spans(2)
//     > Span.trace_id(1) and Span.links(13) > Link.trace_id(1)

function protoOffsets(buf: Uint8Array): Int32Array {
  const out: number[] = [];
  walk(buf, 0, buf.length, 0, out);
  return Int32Array.from(out);
}

/** level 0 TracesData, 1 ResourceSpans, 2 ScopeSpans, 3 Span, 4 Link. */
function walk(buf: Uint8Array, start: number, end: number, level: number, out: number[]): void {
  let i = start;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (i < end) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      const s = i;
      i += len;
      if (level === 0 && no === 1) walk(buf, s, i, 1, out);
      else if (level === 1 && no === 2) walk(buf, s, i, 2, out);
      else if (level === 2 && no === 2) walk(buf, s, i, 3, out);
      else if (level === 3 && no === 13) walk(buf, s, i, 4, out);
      else if ((level === 3 || level === 4) && no === 1 && len === 16) out.push(s);
    } else {
      throw new RangeError(`unexpected wire type ${wire} at ${i}`);
    }
  }
}

// --- JSON: every `"traceId":"` (spans and links)

const NEEDLE = new TextEncoder().encode('"traceId":"');

function jsonOffsets(buf: Uint8Array): Int32Array {
  const out: number[] = [];
  const first = NEEDLE[0];
  const n = NEEDLE.length;
  let i = buf.indexOf(first);
  while (i !== -1 && i + n + 32 <= buf.length) {
    let match = true;
    for (let k = 1; k < n; k++) {
      if (buf[i + k] !== NEEDLE[k]) {
        match = false;
        break;
      }
    }
    if (match) {
      out.push(i + n);
      i = buf.indexOf(first, i + n + 32);
    } else {
      i = buf.indexOf(first, i + 1);
    }
  }
  return Int32Array.from(out);
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  throw new RangeError(`not a hex digit: ${String.fromCharCode(c)}`);
}

function readHexByte(buf: Uint8Array, o: number): number {
  return (hexVal(buf[o]) << 4) | hexVal(buf[o + 1]);
}

const HEX = new TextEncoder().encode('0123456789abcdef');

function writeHexByte(buf: Uint8Array, o: number, v: number): void {
  buf[o] = HEX[v >>> 4];
  buf[o + 1] = HEX[v & 15];
}
