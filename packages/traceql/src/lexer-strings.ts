/**
 * String literals with Go's `strconv.Unquote` rules, which Tempo applies: `"…"` with escapes
 * \a \b \f \n \r \t \v \\ \" \xHH \ooo \uHHHH \UHHHHHHHH, and raw `` `…` `` strings (CRs dropped).
 * Byte escapes (\x, octal) are decoded as UTF-8, invalid sequences becoming U+FFFD.
 */

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };

/** Decodes a quoted literal (quotes included). Returns the value or `{ error }`. */
export function decodeGoString(lit: string): string | { error: string } {
  if (lit.startsWith('`')) return lit.slice(1, -1).replace(/\r/g, '');
  const body = lit.slice(1, -1);
  let out = '';
  let bytes: number[] | null = null; // pending raw bytes from \x / octal escapes
  const flush = () => {
    if (bytes) {
      out += new TextDecoder().decode(new Uint8Array(bytes));
      bytes = null;
    }
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c !== '\\') {
      flush();
      const cp = body.codePointAt(i)!;
      out += String.fromCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1] ?? '';
    if (e in SIMPLE) {
      flush();
      out += SIMPLE[e];
      i += 2;
      continue;
    }
    if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return { error: 'invalid char escape' };
      const v = parseInt(hex, 16);
      i += 2 + n;
      if (e === 'x') {
        (bytes ??= []).push(v);
        continue;
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return { error: 'invalid syntax: escape is not a valid Unicode code point' };
      flush();
      out += String.fromCodePoint(v);
      continue;
    }
    if (/[0-7]/.test(e)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) return { error: 'invalid char escape' };
      const v = parseInt(oct, 8);
      if (v > 255) return { error: 'invalid syntax: octal escape value > 255' };
      (bytes ??= []).push(v);
      i += 4;
      continue;
    }
    return { error: 'invalid char escape' };
  }
  flush();
  return out;
}

/** Encodes a string as a `"…"` literal that decodeGoString reads back unchanged. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}
