/**
 * Stored attribute JSON (the typed encoding of `attr-json.ts`, as Postgres prints jsonb) written
 * straight to protobuf `KeyValue`s, in one pass over the text and without building KeyValue or
 * AnyValue objects. Reading a 50,000-span trace through the object model spent most of its time
 * allocating and collecting those objects; this writes the same bytes `writeAttributes` would
 * write for `decodeAttrs(text)` (attrs-proto.test.ts checks that).
 */
import { type ProtoWriter, base64ToBytes } from '@tracegres/otlp';
import { readJsonString, stringEnd } from './json-nodes.ts';

const utf8d = new TextDecoder();

/** Writes each attribute of the stored JSON object `text` as field `tag` (a repeated KeyValue). */
export function writeAttrsJson(w: ProtoWriter, tag: number, text: string | null | undefined): void {
  if (!text) return;
  const r = new AttrReader(text, w);
  r.ws();
  r.objectEntries(tag);
  r.ws();
  if (r.i !== text.length) r.fail('trailing characters');
}

class AttrReader {
  readonly s: string;
  readonly w: ProtoWriter;
  i = 0;

  constructor(s: string, w: ProtoWriter) {
    this.s = s;
    this.w = w;
  }

  fail(what: string): never {
    throw new Error(`invalid stored attributes at ${this.i}: ${what}`);
  }

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.i);
  }

  expect(ch: string): void {
    this.ws();
    if (this.s[this.i] !== ch) this.fail(`expected '${ch}'`);
    this.i++;
  }

  /** `{ "k": v, ... }` at the cursor, each entry written as a KeyValue in field `tag`. */
  objectEntries(tag: number): void {
    const w = this.w;
    this.expect('{');
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.expect(':');
      w.uint32(tag);
      const kv = w.begin(1);
      if (key !== '') {
        w.uint32(10);
        w.string(key);
      }
      // The value is always written, even when empty, as writeAttributes does.
      w.uint32(18);
      const av = w.begin(1);
      this.value();
      w.end(av, 1);
      w.end(kv, 1);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  /** One encoded value at the cursor, written as the fields of an AnyValue. */
  value(): void {
    const w = this.w;
    this.ws();
    const s = this.s;
    const c = s[this.i];
    if (c === '"') {
      w.uint32(10);
      w.string(this.string());
    } else if (c === '{') {
      this.wrapper();
    } else if (c === '[') {
      this.i++;
      w.uint32(42);
      const arr = w.begin(1);
      this.ws();
      if (s[this.i] === ']') this.i++;
      else {
        for (;;) {
          w.uint32(10);
          const item = w.begin(1);
          this.value();
          w.end(item, 1);
          this.ws();
          const d = s[this.i++];
          if (d === ']') break;
          if (d !== ',') this.fail("expected ',' or ']'");
        }
      }
      w.end(arr, 1);
    } else if (s.startsWith('true', this.i)) {
      this.i += 4;
      w.uint32(16);
      w.uint32(1);
    } else if (s.startsWith('false', this.i)) {
      this.i += 5;
      w.uint32(16);
      w.uint32(0);
    } else if (s.startsWith('null', this.i)) {
      this.i += 4; // an empty AnyValue: no field at all
    } else {
      this.number();
    }
  }

  /** `{"d":..}`, `{"b":..}`, `{"s":..}` or `{"kv":{..}}`: what plain JSON values cannot carry. */
  wrapper(): void {
    const w = this.w;
    this.i++;
    this.ws();
    const tag = this.string();
    this.expect(':');
    this.ws();
    switch (tag) {
      case 'd': {
        const text = this.string();
        w.uint32(33);
        w.double(text === '-0' ? -0 : Number(text));
        break;
      }
      case 'b':
        w.uint32(58);
        w.bytes(base64ToBytes(this.string()));
        break;
      case 's':
        w.uint32(10);
        w.string(utf8d.decode(base64ToBytes(this.string())));
        break;
      case 'kv': {
        w.uint32(50);
        const kvl = w.begin(1);
        this.objectEntries(10);
        w.end(kvl, 1);
        break;
      }
      default:
        this.fail(`unknown wrapper ${JSON.stringify(tag)}`);
    }
    this.expect('}');
  }

  number(): void {
    const s = this.s;
    const start = this.i;
    let integer = true;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if ((c >= 48 && c <= 57) || c === 45 || c === 43) this.i++;
      else if (c === 46 || c === 101 || c === 69) {
        integer = false;
        this.i++;
      } else break;
    }
    if (this.i === start) this.fail('expected a value');
    const text = s.slice(start, this.i);
    if (!integer) {
      this.w.uint32(33);
      this.w.double(Number(text));
      return;
    }
    this.w.uint32(24);
    // Up to 9 digits fit a uint32 varint exactly; longer or negative ones need int64's bigint path.
    if (text.length <= 9 && text[0] !== '-') this.w.uint32(Number(text));
    else this.w.int64(BigInt(text));
  }

  string(): string {
    if (this.s[this.i] !== '"') this.fail('expected a string');
    const r = readJsonString(this.s, this.i);
    if (r === undefined) this.fail('unterminated string');
    this.i = stringEnd;
    return r;
  }
}
