// Jaeger's attribute box takes logfmt (`http.status_code=500 error=true msg="a b"`). Values in
// quotes stay strings; bare numbers and booleans are typed, because TraceQL compares types and
// `span.http.status_code = "500"` would not match an integer attribute.

export interface LogfmtPair {
  key: string;
  value: string;
  quoted: boolean;
}

/** Parses logfmt; throws an Error naming the problem. */
export function parseLogfmt(text: string): LogfmtPair[] {
  const out: LogfmtPair[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i])) i++;
    if (i >= n) break;
    let key = '';
    while (i < n && text[i] !== '=' && !/\s/.test(text[i])) key += text[i++];
    if (text[i] !== '=') throw new Error(`expected key=value, got ${JSON.stringify(key)}`);
    i++;
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) i++;
        value += text[i++];
      }
      if (text[i] !== '"') throw new Error(`unterminated quote in the value of ${key}`);
      i++;
    } else {
      while (i < n && !/\s/.test(text[i])) value += text[i++];
    }
    if (!key) throw new Error('empty key');
    out.push({ key, value, quoted });
  }
  return out;
}
