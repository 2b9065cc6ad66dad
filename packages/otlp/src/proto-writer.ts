/**
 * A growable protobuf wire writer, written for whole traces of 50,000 spans: one buffer, no
 * per-field allocations, ids written from hex straight into it, and strings encoded by hand when
 * short.
 *
 * Embedded messages are written in place: `begin(guess)` reserves `guess` bytes for the length
 * prefix and `end()` writes it, moving the body only when the guess was wrong. Guesses per message
 * type (1 byte for a KeyValue, 2 for a Span, ...) make that move rare.
 */

import { writeHex } from './hex.ts';

const utf8 = new TextEncoder();

/** Bytes a varint of the unsigned 32-bit value `n` takes. */
export function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Writes protobuf wire data into one growing buffer; see the file comment. */
export class ProtoWriter {
  // ArrayBuffer-backed (not ArrayBufferLike) so results are valid `BodyInit` without casts.
  buf: Uint8Array<ArrayBuffer>;
  view: DataView;
  pos: number;

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.pos);
  }

  /** Writes an unsigned 32-bit varint; tags are written with this too. */
  uint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    v >>>= 0;
    while (v > 127) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** int32: negative values are sign-extended to 64 bits (10 bytes), as protobuf requires. */
  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  /** int64/uint64 varint from a bigint (two's complement for negatives). */
  int64(v: bigint): void {
    if (v >= 0n && v <= 0xffffffffn) {
      this.uint32(Number(v));
      return;
    }
    const u = BigInt.asUintN(64, v);
    this.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  private varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo > 127) {
      buf[pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  fixed64(v: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
  }

  fixed32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
  }

  double(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** A length-delimited UTF-8 string (lone surrogates become U+FFFD, as TextEncoder does). */
  string(s: string): void {
    const n = s.length;
    // At most 3 bytes per UTF-16 unit, so under 43 units the length fits one byte.
    if (n < 43) {
      this.ensure(1 + 3 * n);
      const lenPos = this.pos;
      this.pos = lenPos + 1;
      this.utf8Short(s);
      this.buf[lenPos] = this.pos - lenPos - 1;
      return;
    }
    const reserve = varintSize(3 * n);
    this.ensure(reserve + 3 * n);
    const start = this.pos + reserve;
    const { written } = utf8.encodeInto(s, this.buf.subarray(start, start + 3 * n));
    this.pos = start + written;
    this.end(start, reserve);
  }

  private utf8Short(s: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        buf[pos++] = c;
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            buf[pos++] = 0xf0 | (cp >> 18);
            buf[pos++] = 0x80 | ((cp >> 12) & 63);
            buf[pos++] = 0x80 | ((cp >> 6) & 63);
            buf[pos++] = 0x80 | (cp & 63);
            continue;
          }
          c = 0xfffd;
        }
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 63);
        buf[pos++] = 0x80 | (c & 63);
      }
    }
    this.pos = pos;
  }

  /** A length-delimited bytes field. */
  bytes(b: Uint8Array): void {
    this.uint32(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * A length-delimited bytes field from a hex string (ids).
   * @throws TypeError when `hex` is not hex: the model promises hex, so this is a caller bug.
   */
  hexBytes(hex: string): void {
    const n = hex.length >> 1;
    this.uint32(n);
    this.ensure(n);
    if (writeHex(hex, this.buf, this.pos) < 0) throw new TypeError(`not a hex id: ${JSON.stringify(hex.slice(0, 40))}`);
    this.pos += n;
  }

  /** Starts an embedded message, reserving `guess` bytes for its length; returns the body start. */
  begin(guess: number): number {
    this.ensure(guess);
    this.pos += guess;
    return this.pos;
  }

  /** Ends the embedded message whose body started at `start` with `guess` bytes reserved. */
  end(start: number, guess: number): void {
    const len = this.pos - start;
    const size = varintSize(len);
    if (size !== guess) {
      this.ensure(size - guess);
      this.buf.copyWithin(start - guess + size, start, this.pos);
      this.pos += size - guess;
      start += size - guess;
    }
    const buf = this.buf;
    let p = start - size;
    let v = len;
    while (v > 127) {
      buf[p++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[p] = v;
  }
}
