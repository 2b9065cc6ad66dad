/**
 * UTF-8 decoding for the protobuf reader, with an intern table for short ASCII strings.
 */

/** Invalid UTF-8 becomes U+FFFD; ignoreBOM keeps a leading U+FEFF, which is part of the string. */
export const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Short ASCII strings (attribute keys, span names, enum-like values) repeat across the spans of a
 * request and across requests. A small direct-mapped table returns the string already made for
 * the same bytes, which saves most string allocations and the GC work they cause.
 */
export const MAX_INTERNED = 32;
const INTERN_SLOTS = 4096;
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** The string for ASCII bytes `buf[pos, pos + n)`, or undefined when they are not all ASCII. */
export function internedAscii(buf: Uint8Array, pos: number, n: number): string | undefined {
  let h = n;
  for (let i = pos; i < pos + n; i++) {
    const c = buf[i];
    if (c >= 128) return undefined;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const slot = (h ^ (h >>> 16)) & (INTERN_SLOTS - 1);
  const cached = interned[slot];
  if (cached.length === n) {
    let i = 0;
    while (i < n && cached.charCodeAt(i) === buf[pos + i]) i++;
    if (i === n) return cached;
  }
  // Below ~10 characters concatenation beats a TextDecoder call; above, the decoder wins.
  let s: string;
  if (n <= 10) {
    s = '';
    for (let i = pos; i < pos + n; i++) s += String.fromCharCode(buf[i]);
  } else s = utf8.decode(buf.subarray(pos, pos + n));
  interned[slot] = s;
  return s;
}
