/**
 * A bounds-checked protobuf wire reader. It knows nothing of OTLP; the decoder tells it which
 * message it is in (`msg`) so that every failure names the field, the message and the byte offset.
 *
 * Every read checks against `end` (the end of the current length-delimited message, not of the
 * buffer), so corrupt lengths fail with an OtlpDecodeError instead of reading a neighbour's bytes,
 * throwing a RangeError from DataView, or looping.
 */

import { MAX_INTERNED, internedAscii, utf8 } from './ascii-intern.ts';
import { OtlpDecodeError } from './errors.ts';
import { bytesToHex } from './hex.ts';

/** Wire types (protobuf encoding spec). */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

/** Message nesting allowed before we refuse: deep enough for any sane AnyValue, far from stack overflow. */
export const MAX_DEPTH = 100;

/** Field names by message, used only to word errors. */
export type FieldNames = Readonly<Record<string, Readonly<Record<number, string>>>>;

/** Reads protobuf wire data from one buffer; see the file comment. */
export class ProtoReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly names: FieldNames;
  pos: number;
  /** End of the message being read. */
  end: number;
  depth: number;
  /** Name of the message being read, for errors. */
  msg: string;
  /** Field number of the last tag read, for errors. */
  field: number;
  /** Halves of the last 64-bit varint, kept as fields so varint64 allocates nothing. */
  private lo: number;
  private hi: number;
  /** Where the last 16-byte id started, and its hex: see `hex()`. */
  private lastIdPos: number;
  private lastId: string;

  constructor(buf: Uint8Array, rootMessage: string, names: FieldNames = {}) {
    // A plain Uint8Array view even for a Node Buffer: keeps property access monomorphic and makes
    // `bytes()` copies plain Uint8Arrays (Buffer's own slice would share memory).
    this.buf = buf.constructor === Uint8Array ? buf : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.names = names;
    this.pos = 0;
    this.end = buf.length;
    this.depth = 0;
    this.msg = rootMessage;
    this.field = 0;
    this.lo = 0;
    this.hi = 0;
    this.lastIdPos = -1;
    this.lastId = '';
  }

  /** Reads a tag; returns it whole (`field << 3 | wireType`) so decoders can switch on one number. */
  tag(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 128 && b >= 8) {
        this.pos = pos + 1;
        this.field = b >>> 3;
        return b;
      }
    }
    return this.tagSlow();
  }

  private tagSlow(): number {
    const start = this.pos;
    const t = this.varint32('tag');
    const field = t >>> 3;
    if (field === 0) throw this.invalid(`field number 0 in a tag of ${this.msg}`, start);
    this.field = field;
    return t;
  }

  /** uint32 / enum: the low 32 bits of a varint (negative int32 enums arrive as 10 bytes). */
  uint32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 128) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.varint32('varint');
  }

  /** int32: low 32 bits, signed. */
  int32(): number {
    return this.uint32() | 0;
  }

  private varint32(what: 'tag' | 'varint'): number {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let v = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= end) throw this.truncated(this.varintLabel(what), start, 'runs past the end');
      const b = buf[pos++];
      // Bits beyond 32 are dropped, as protobuf does when a uint32 field meets a 64-bit varint.
      if (shift < 32) v |= (b & 127) << shift;
      if (b < 128) {
        this.pos = pos;
        return v >>> 0;
      }
    }
    throw this.invalid(`${this.varintLabel(what)} is longer than 10 bytes`, start);
  }

  private varintLabel(what: 'tag' | 'varint'): string {
    return what === 'tag' ? `tag in ${this.msg}` : `varint of ${this.fieldLabel()}`;
  }

  /** int64 varint as a signed bigint (negative values are 10 bytes on the wire). */
  int64(): bigint {
    this.varint64();
    const lo = this.lo;
    const hi = this.hi;
    if (hi === 0) return BigInt(lo);
    if (hi === 0xffffffff && lo >= 0x80000000) return BigInt(lo | 0);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** uint64 varint as an unsigned bigint. */
  uint64(): bigint {
    this.varint64();
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  private varint64(): void {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw this.truncated(`varint of ${this.fieldLabel()}`, start, 'runs past the end');
      const b = buf[pos++];
      if (i < 4) lo |= (b & 127) << (7 * i);
      else if (i === 4) {
        lo |= (b & 127) << 28;
        hi = (b & 127) >>> 4;
      } else hi |= (b & 127) << (7 * i - 32);
      if (b < 128) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw this.invalid(`varint of ${this.fieldLabel()} is longer than 10 bytes`, start);
  }

  /** fixed64 as an unsigned bigint (little-endian, 8 bytes). */
  fixed64(): bigint {
    const pos = this.need(8);
    this.pos = pos + 8;
    return this.view.getBigUint64(pos, true);
  }

  /** fixed32 as an unsigned number. */
  fixed32(): number {
    const pos = this.need(4);
    this.pos = pos + 4;
    return this.view.getUint32(pos, true);
  }

  double(): number {
    const pos = this.need(8);
    this.pos = pos + 8;
    return this.view.getFloat64(pos, true);
  }

  /** bool: any non-zero varint is true. */
  bool(): boolean {
    this.varint64();
    return (this.lo | this.hi) !== 0;
  }

  /** Reads a length prefix and checks the bytes are there; returns the length. */
  len(): number {
    const start = this.pos;
    const n = this.uint32();
    // A prefix over 5 bytes is a 64-bit length: uint32() kept only its low bits, so refuse it.
    if (this.pos - start > 5) throw this.invalid(`length of ${this.fieldLabel()} does not fit in 32 bits`, start);
    if (n > this.end - this.pos) {
      throw this.truncated(this.fieldLabel(), start, `needs ${n} bytes at offset ${this.pos}, only ${this.end - this.pos} left`);
    }
    return n;
  }

  /** A length-delimited string; invalid UTF-8 becomes U+FFFD rather than failing the request. */
  string(): string {
    const n = this.len();
    const pos = this.pos;
    this.pos = pos + n;
    if (n === 0) return '';
    if (n <= MAX_INTERNED) {
      const s = internedAscii(this.buf, pos, n);
      if (s !== undefined) return s;
    }
    return utf8.decode(this.buf.subarray(pos, pos + n));
  }

  /**
   * A length-delimited bytes field as lowercase hex (ids). Spans of a request mostly share few
   * trace ids, so a 16-byte id equal to the previous one returns the same string.
   */
  hex(): string {
    const n = this.len();
    const pos = this.pos;
    const buf = this.buf;
    this.pos = pos + n;
    if (n !== 16) return bytesToHex(buf, pos, pos + n);
    const last = this.lastIdPos;
    if (last >= 0) {
      let i = 0;
      while (i < 16 && buf[pos + i] === buf[last + i]) i++;
      if (i === 16) return this.lastId;
    }
    this.lastIdPos = pos;
    return (this.lastId = bytesToHex(buf, pos, pos + 16));
  }

  /** A length-delimited bytes field, copied so the result does not pin the request buffer. */
  bytes(): Uint8Array {
    const n = this.len();
    const pos = this.pos;
    this.pos = pos + n;
    return this.buf.slice(pos, pos + n);
  }

  /**
   * Enters an embedded message: narrows `end` to it and names it for errors. Returns the outer
   * end, which the caller hands back to `leave` with the outer message's name (callers know it
   * statically, which is cheaper than a stack).
   */
  enter(msg: string): number {
    const n = this.len();
    if (++this.depth > MAX_DEPTH) {
      throw this.invalid(`messages nested deeper than ${MAX_DEPTH} levels in ${this.fieldLabel()}`, this.pos);
    }
    const outerEnd = this.end;
    this.end = this.pos + n;
    this.msg = msg;
    return outerEnd;
  }

  leave(outerEnd: number, outerMsg: string): void {
    this.pos = this.end;
    this.end = outerEnd;
    this.depth--;
    this.msg = outerMsg;
  }

  /** Skips a field we do not read (unknown, profiles-only, or a known field with an unexpected wire type). */
  skip(tag: number): void {
    const wt = tag & 7;
    const start = this.pos;
    switch (wt) {
      case WireType.VARINT:
        this.varint64();
        return;
      case WireType.I64:
        this.pos = this.need(8) + 8;
        return;
      case WireType.LEN: {
        const n = this.len(); // before reading pos: len() moves it past the prefix
        this.pos += n;
        return;
      }
      case WireType.I32:
        this.pos = this.need(4) + 4;
        return;
      case WireType.SGROUP:
        this.skipGroup(tag >>> 3, start);
        return;
      case WireType.EGROUP:
        throw this.invalid(`end-group tag without a start-group in ${this.fieldLabel()}`, start);
      default:
        throw this.invalid(`wire type ${wt} in ${this.fieldLabel()}`, start);
    }
  }

  /** Proto2 groups are obsolete but legal on the wire; skip to the matching end-group tag. */
  private skipGroup(field: number, start: number): void {
    if (++this.depth > MAX_DEPTH) throw this.invalid(`groups nested deeper than ${MAX_DEPTH} levels`, start);
    for (;;) {
      if (this.pos >= this.end) {
        this.field = field;
        throw this.truncated(`group ${this.fieldLabel()}`, start, 'has no end-group tag');
      }
      const t = this.tag();
      if ((t & 7) === WireType.EGROUP) {
        if (t >>> 3 !== field) {
          throw this.invalid(`end-group tag for field ${t >>> 3} closes group field ${field} in ${this.msg}`, start);
        }
        this.depth--;
        this.field = field;
        return;
      }
      this.skip(t);
    }
  }

  /** Checks `n` bytes are available; returns the current position. */
  private need(n: number): number {
    const pos = this.pos;
    if (pos + n > this.end) {
      throw this.truncated(this.fieldLabel(), pos, `needs ${n} bytes at offset ${pos}, only ${this.end - pos} left`);
    }
    return pos;
  }

  /** `field 7 (start_time_unix_nano) of Span` */
  fieldLabel(): string {
    const name = this.names[this.msg]?.[this.field];
    return `field ${this.field}${name ? ` (${name})` : ''} of ${this.msg}`;
  }

  private truncated(what: string, offset: number, detail: string): OtlpDecodeError {
    // Inside an embedded message the "end" is its declared length, so the input is corrupt rather than cut short.
    const kind = this.end === this.buf.length ? 'truncated protobuf' : `malformed protobuf (past the end of ${this.msg})`;
    const where = detail.includes('offset') ? '' : ` at offset ${offset}`;
    return new OtlpDecodeError(`${kind}: ${what} ${detail}${where}`, { offset });
  }

  private invalid(what: string, offset: number): OtlpDecodeError {
    return new OtlpDecodeError(`invalid protobuf: ${what} at offset ${offset}`, { offset });
  }
}
