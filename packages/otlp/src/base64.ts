/**
 * Base64 helpers: Tempo's JSON answers carry ids as base64, OTLP/JSON carries `bytesValue` as
 * base64, and pre-2020 OTLP/JSON senders sent base64 ids. Table-driven so it needs neither Buffer
 * nor atob's binary-string detour.
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const encTable: string[] = alphabet.split('');

/** char code -> 6-bit value; 255 = not in either alphabet. Accepts `-`/`_` (url-safe) too. */
const decTable = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) decTable[alphabet.charCodeAt(i)] = i;
decTable[45] = 62; // '-'
decTable[95] = 63; // '_'

/** Standard base64 (RFC 4648 §4) with `=` padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  const n = bytes.length;
  const whole = n - (n % 3);
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += encTable[v >> 18] + encTable[(v >> 12) & 63] + encTable[(v >> 6) & 63] + encTable[v & 63];
  }
  if (n - whole === 1) {
    const v = bytes[whole] << 16;
    s += encTable[v >> 18] + encTable[(v >> 12) & 63] + '==';
  } else if (n - whole === 2) {
    const v = (bytes[whole] << 16) | (bytes[whole + 1] << 8);
    s += encTable[v >> 18] + encTable[(v >> 12) & 63] + encTable[(v >> 6) & 63] + '=';
  }
  return s;
}

/**
 * Decodes standard or url-safe base64, padded or not. Returns undefined for anything else
 * (bad characters, impossible length, misplaced padding) so callers can try another reading.
 */
export function tryBase64ToBytes(s: string): Uint8Array | undefined {
  let n = s.length;
  // Up to two '=' may end the text, and only when the padded length is a multiple of 4.
  if (n > 0 && s.charCodeAt(n - 1) === 61) {
    if ((n & 3) !== 0) return undefined;
    n--;
    if (s.charCodeAt(n - 1) === 61) n--;
  }
  const rem = n & 3;
  if (rem === 1) return undefined;
  const out = new Uint8Array((n >> 2) * 3 + (rem === 0 ? 0 : rem - 1));
  let o = 0;
  let i = 0;
  const whole = n - rem;
  for (; i < whole; i += 4) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    const c = sextet(s, i + 2);
    const d = sextet(s, i + 3);
    if ((a | b | c | d) === 255) return undefined;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (rem >= 2) {
    const a = sextet(s, i);
    const b = sextet(s, i + 1);
    const c = rem === 3 ? sextet(s, i + 2) : 0;
    if ((a | b | c) === 255) return undefined;
    const v = (a << 18) | (b << 12) | (c << 6);
    out[o++] = v >> 16;
    if (rem === 3) out[o++] = (v >> 8) & 255;
  }
  return out;
}

/**
 * Decodes standard or url-safe base64, padded or not.
 * @throws TypeError when `s` is not base64.
 */
export function base64ToBytes(s: string): Uint8Array {
  const out = tryBase64ToBytes(s);
  if (out === undefined) throw new TypeError(`invalid base64 string: ${JSON.stringify(s.slice(0, 40))}`);
  return out;
}

function sextet(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? decTable[c] : 255;
}
