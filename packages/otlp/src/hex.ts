/**
 * Hex helpers for trace and span ids. Ids travel as bytes in protobuf and as hex in the model and
 * in OTLP/JSON, so these run once per id on every ingest and query: tables instead of toString(16).
 */

const byteToHex: string[] = [];
for (let i = 0; i < 256; i++) byteToHex.push(i.toString(16).padStart(2, '0'));

/** char code -> nibble value, 255 for non-hex; covers both cases so decoding is case-insensitive. */
const nibble = new Uint8Array(128).fill(255);
for (let i = 0; i < 10; i++) nibble[48 + i] = i;
for (let i = 0; i < 6; i++) {
  nibble[65 + i] = 10 + i;
  nibble[97 + i] = 10 + i;
}

/**
 * Lowercase hex of `bytes[start, end)`. Taking a range lets the protobuf decoder read ids straight
 * out of the request buffer without a subarray per id.
 */
export function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += byteToHex[bytes[i]];
  return s;
}

/** True when `s` is an even-length string of hex digits (either case); '' counts as hex. */
export function isHex(s: string): boolean {
  if ((s.length & 1) !== 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || nibble[c] === 255) return false;
  }
  return true;
}

/**
 * Bytes of a hex string (either case).
 * @throws TypeError when `hex` has odd length or a non-hex character.
 */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  if (writeHex(hex, out, 0) < 0) throw new TypeError(`invalid hex string: ${JSON.stringify(hex.slice(0, 40))}`);
  return out;
}

/**
 * Writes the bytes of `hex` into `out` at `offset` and returns the number of bytes written, or -1
 * when `hex` is not valid hex (the bytes written so far are then garbage). Lets encoders write ids
 * into their output buffer without an intermediate array.
 */
export function writeHex(hex: string, out: Uint8Array, offset: number): number {
  const n = hex.length;
  if ((n & 1) !== 0) return -1;
  for (let i = 0, o = offset; i < n; i += 2, o++) {
    const a = hex.charCodeAt(i);
    const b = hex.charCodeAt(i + 1);
    const hi = a < 128 ? nibble[a] : 255;
    const lo = b < 128 ? nibble[b] : 255;
    if ((hi | lo) === 255) return -1;
    out[o] = (hi << 4) | lo;
  }
  return n >> 1;
}
