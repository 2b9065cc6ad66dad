/**
 * A small JSON reader that keeps what JSON.parse throws away: the text of each number (so an
 * int stays apart from a double and int64 stays exact) and the order of object keys. Used to
 * read the typed jsonb columns back; strings without escapes are sliced directly, escaped
 * ones go through JSON.parse for correctness.
 */
export type JsonNode = null | boolean | string | JsonNum | JsonNode[] | JsonObject;

export interface JsonObject {
  entries: [string, JsonNode][];
}

export class JsonNum {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  /** True when written without '.', 'e' or 'E'. */
  isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
  toBigInt(): bigint {
    return BigInt(this.text);
  }
}

export function parseJsonNodes(text: string): JsonNode {
  const p = new Reader(text);
  const v = p.value();
  p.ws();
  if (p.i !== text.length) p.fail('trailing characters');
  return v;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Reader {
  readonly s: string;
  i = 0;
  constructor(s: string) {
    this.s = s;
  }

  fail(what: string): never {
    throw new Error(`invalid stored JSON at ${this.i}: ${what}`);
  }

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.i);
  }

  value(): JsonNode {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (this.s.startsWith('true', this.i)) return (this.i += 4), true;
    if (this.s.startsWith('false', this.i)) return (this.i += 5), false;
    if (this.s.startsWith('null', this.i)) return (this.i += 4), null;
    return this.number();
  }

  object(): JsonObject {
    this.i++;
    const entries: [string, JsonNode][] = [];
    this.ws();
    if (this.s[this.i] === '}') return this.i++, { entries };
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail("expected ':'");
      entries.push([key, this.value()]);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return { entries };
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  array(): JsonNode[] {
    this.i++;
    const out: JsonNode[] = [];
    this.ws();
    if (this.s[this.i] === ']') return this.i++, out;
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const r = readJsonString(this.s, this.i);
    if (r === undefined) this.fail('unterminated string');
    this.i = stringEnd;
    return r;
  }

  number(): JsonNum {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail('expected a value');
    this.i += m[0].length;
    return new JsonNum(m[0]);
  }
}

/** Where the last `readJsonString` stopped: just past the closing quote. */
export let stringEnd = 0;

/**
 * The JSON string whose opening quote is at `at`, or undefined when it is not terminated; sets
 * `stringEnd`. Strings without escapes are sliced directly; escaped ones go through JSON.parse.
 * (A module variable rather than a returned pair: this runs for every key and value of a trace.)
 */
export function readJsonString(s: string, at: number): string | undefined {
  const start = at + 1;
  let j = start;
  let escaped = false;
  for (;;) {
    const c = s.charCodeAt(j);
    if (c === 34) break;
    if (c === 92) {
      escaped = true;
      j += 2;
      continue;
    }
    if (Number.isNaN(c)) return undefined;
    j++;
  }
  stringEnd = j + 1;
  return escaped ? (JSON.parse(s.slice(start - 1, j + 1)) as string) : s.slice(start, j);
}
