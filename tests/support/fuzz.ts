// Seeded input mutators for fuzzing the HTTP surface: OTLP protobuf and JSON bodies, and TraceQL
// strings. Shared by the CI test (a few thousand cases) and `npm run test:fuzz` (the long run);
// fuzz-cases.ts turns them into requests, fuzz-run.ts sends them.
import { type Rng, createGenerator, encodeBody } from '@tracegres/loadgen';
import { parseFail, valid } from '../../packages/traceql/test/corpus.ts';
import { QueryGenerator } from './query-generator.ts';

/** Valid OTLP requests to start mutating from (a few traces each, seeded). */
export function seedBodies(n: number): { proto: Uint8Array[]; json: string[] } {
  const gen = createGenerator({ seed: 99, startTimeNs: BigInt(Date.now() - 600_000) * 1_000_000n, tracesPerSecond: 5 });
  const proto: Uint8Array[] = [];
  const json: string[] = [];
  for (let i = 0; i < n; i++) {
    const td = gen.batch({ spans: 40 });
    proto.push(encodeBody(td, 'protobuf'));
    json.push(new TextDecoder().decode(encodeBody(td, 'json')));
  }
  return { proto, json };
}

const interesting = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x1a, 0x22, 0x08, 0x10];

/** Byte-level mutations of a protobuf body: flips, varint-breaking bytes, cuts, splices, repeats. */
export function mutateBytes(rng: Rng, src: Uint8Array): Uint8Array {
  let b: Uint8Array = Uint8Array.from(src);
  const rounds = rng.int(1, 8);
  for (let r = 0; r < rounds; r++) {
    const at = b.length ? rng.int(0, b.length - 1) : 0;
    switch (rng.int(0, 6)) {
      case 0:
        if (b.length) b[at] ^= 1 << rng.int(0, 7);
        break;
      case 1:
        if (b.length) b[at] = interesting[rng.int(0, interesting.length - 1)];
        break;
      case 2:
        b = b.slice(0, at);
        break;
      case 3: {
        const extra = Uint8Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255));
        b = concat(b.slice(0, at), extra, b.slice(at));
        break;
      }
      case 4: {
        const len = rng.int(1, Math.max(1, Math.min(64, b.length - at)));
        b = concat(b.slice(0, at + len), b.slice(at, at + len), b.slice(at + len));
        break;
      }
      case 5:
        b = concat(b.slice(0, at), b.slice(Math.min(b.length, at + rng.int(1, 32))));
        break;
      default:
        // A length prefix pointing far past the end.
        if (b.length) b[at] = 0xff;
        if (at + 1 < b.length) b[at + 1] = 0xff;
    }
  }
  return b;
}

const jsonValues = ['null', 'true', '-1', '1e999', '"x"', '[]', '{}', '"ffffffffffffffffffffffffffffffffff"', '18446744073709551616', '"\\u0000"', '{"stringValue":1}', '[[[[[]]]]]'];

/** Text-level and value-level mutations of an OTLP/JSON body. */
export function mutateJson(rng: Rng, src: string): string {
  let s = src;
  const rounds = rng.int(1, 6);
  for (let r = 0; r < rounds; r++) {
    const at = s.length ? rng.int(0, s.length - 1) : 0;
    switch (rng.int(0, 5)) {
      case 0:
        s = s.slice(0, at) + String.fromCharCode(rng.int(0, 127)) + s.slice(at + 1);
        break;
      case 1:
        s = s.slice(0, at);
        break;
      case 2: {
        // Replace the value after a random key with a value of another type.
        const keys = [...s.matchAll(/"[A-Za-z]+":/g)];
        if (!keys.length) break;
        const k = keys[rng.int(0, keys.length - 1)];
        const start = k.index! + k[0].length;
        const end = valueEnd(s, start);
        s = s.slice(0, start) + jsonValues[rng.int(0, jsonValues.length - 1)] + s.slice(end);
        break;
      }
      case 3:
        s = s.slice(0, at) + jsonValues[rng.int(0, jsonValues.length - 1)] + s.slice(at);
        break;
      case 4: {
        const len = rng.int(1, 200);
        s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
        break;
      }
      default:
        s = s.slice(0, at) + s.slice(at + rng.int(1, 40));
    }
  }
  return s;
}

/** End of the JSON value starting at `i` (good enough for mutation: strings, scalars, nesting). */
function valueEnd(s: string, i: number): number {
  let depth = 0;
  let inStr = false;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (inStr) {
      if (c === '\\') j++;
      else if (c === '"') {
        inStr = false;
        if (depth === 0) return j + 1;
      }
    } else if (c === '"') inStr = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return j;
      depth--;
      if (depth === 0) return j + 1;
    } else if (c === ',' && depth === 0) return j;
  }
  return s.length;
}

const tokens = [
  '{', '}', '(', ')', '[', ']', '&&', '||', '>', '>>', '<', '<<', '~', '!>', '!>>', '!<', '!<<', '!~', '&>', '&>>', '&<', '&<<', '&~',
  '=', '!=', '=~', '!~', '<=', '>=', '+', '-', '*', '/', '%', '^', '!', '|', ',', '.', ':', 'nil', 'true', 'false', '1', '-2.5', '3ms',
  '1h30m', '"a"', '`b`', '"\\"', 'span.', 'resource.', 'event.', 'link.', 'instrumentation.', 'trace:', 'span:', 'name', 'status', 'error',
  'ok', 'unset', 'kind', 'server', 'client', 'duration', 'rootName', 'rootServiceName', 'traceDuration', 'count()', 'avg(duration)',
  'select(', 'by(', 'coalesce()', 'with(most_recent=true)', 'rate()', 'quantile_over_time(duration, .9)', '.http.method', 'span."x y"',
  "'; drop table spans; --", '$1', '\\u0000', '\u{1F600}', '\n', ' ',
];

/**
 * A TraceQL-ish string: token soup, a mutated or cut corpus query, a valid query from the grammar
 * generator, or a generated query with mutations.
 */
export function fuzzTraceQL(rng: Rng, grammar: QueryGenerator): string {
  // Cuts can split a surrogate pair; a URL cannot carry half a character.
  return rawTraceQL(rng, grammar).toWellFormed();
}

/** Inserts `n` random tokens into `q` at random places (each maybe replacing one character). */
function sprinkle(rng: Rng, q: string, n: number): string {
  for (let i = n; i > 0; i--) {
    const at = rng.int(0, q.length);
    q = q.slice(0, at) + tokens[rng.int(0, tokens.length - 1)] + q.slice(at + (rng.chance(0.5) ? 1 : 0));
  }
  return q;
}

function rawTraceQL(rng: Rng, grammar: QueryGenerator): string {
  const corpus = rng.chance(0.8) ? valid : parseFail;
  switch (rng.int(0, 4)) {
    case 0:
      return Array.from({ length: rng.int(1, 25) }, () => tokens[rng.int(0, tokens.length - 1)]).join(rng.chance(0.5) ? ' ' : '');
    case 1:
      return sprinkle(rng, corpus[rng.int(0, corpus.length - 1)], rng.int(1, 4));
    case 2:
      return grammar.query();
    case 3:
      return sprinkle(rng, grammar.query(), rng.int(1, 3));
    default: {
      const q = corpus[rng.int(0, corpus.length - 1)];
      return q.slice(0, rng.int(0, q.length));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
