// Seeded input mutators for fuzzing the HTTP surface: OTLP protobuf and JSON bodies, and TraceQL
// strings. Shared by the CI test (a few thousand cases) and `npm run test:fuzz` (the long run).
import type { Hono } from 'hono';
import { createGenerator, encodeBody } from '@tracegres/loadgen';
import { type Rng, createRng } from '@tracegres/loadgen';
import { parseFail, valid } from '../../packages/traceql/test/corpus.ts';

export { createRng };

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

/** A TraceQL-ish string: token soup, a mutated corpus query, or a corpus query with a random cut. */
export function fuzzTraceQL(rng: Rng): string {
  // Cuts can split a surrogate pair; a URL cannot carry half a character.
  return rawTraceQL(rng).toWellFormed();
}

function rawTraceQL(rng: Rng): string {
  const corpus = rng.chance(0.8) ? valid : parseFail;
  switch (rng.int(0, 2)) {
    case 0:
      return Array.from({ length: rng.int(1, 25) }, () => tokens[rng.int(0, tokens.length - 1)]).join(rng.chance(0.5) ? ' ' : '');
    case 1: {
      let q = corpus[rng.int(0, corpus.length - 1)];
      for (let i = rng.int(1, 4); i > 0; i--) {
        const at = rng.int(0, q.length);
        q = q.slice(0, at) + tokens[rng.int(0, tokens.length - 1)] + q.slice(at + (rng.chance(0.5) ? 1 : 0));
      }
      return q;
    }
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

export interface FuzzStats {
  requests: number;
  statuses: Map<number, number>;
  maxMs: number;
  failures: string[];
}

/** Sends one request through the app and records it; a 5xx or a throw is a failure. */
export async function probe(app: Hono, stats: FuzzStats, label: string, path: string, init?: RequestInit, limitMs = 35_000): Promise<void> {
  const t0 = performance.now();
  let status = 0;
  try {
    const res = await app.request(path, init);
    status = res.status;
    await res.arrayBuffer();
  } catch (err) {
    stats.failures.push(`${label}: threw ${(err as Error).message}`);
  }
  const ms = performance.now() - t0;
  stats.requests++;
  stats.maxMs = Math.max(stats.maxMs, ms);
  stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
  if (status >= 500) stats.failures.push(`${label}: HTTP ${status} for ${path.slice(0, 200)}`);
  if (ms > limitMs) stats.failures.push(`${label}: took ${Math.round(ms)} ms (limit ${limitMs})`);
}

export const newStats = (): FuzzStats => ({ requests: 0, statuses: new Map(), maxMs: 0, failures: [] });

/** Injection strings, for TraceQL values, attribute names and every query parameter. */
export const injections = [
  "'; drop table spans; --",
  '"; drop table spans; --',
  "1; select pg_sleep(10)",
  "1) or (1=1",
  "' or '1'='1",
  '$1',
  '\\x00',
  "x'||(select version())||'",
  '%27%3B%20drop%20table%20spans%3B--',
];

export interface FuzzPlan {
  seed: number;
  bodies: number;
  queries: number;
}

/** Runs the plan against an app; returns what happened. */
export async function runFuzz(app: Hono, plan: FuzzPlan, windowS: [number, number]): Promise<FuzzStats> {
  const rng = createRng(plan.seed);
  const stats = newStats();
  const seeds = seedBodies(8);
  for (let i = 0; i < plan.bodies; i++) {
    const which = rng.int(0, 2);
    if (which === 0) {
      const body = mutateBytes(rng, seeds.proto[rng.int(0, seeds.proto.length - 1)]);
      await probe(app, stats, `proto #${i}`, '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: body as Uint8Array<ArrayBuffer> });
    } else if (which === 1) {
      const body = mutateJson(rng, seeds.json[rng.int(0, seeds.json.length - 1)]);
      await probe(app, stats, `json #${i}`, '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    } else {
      // A body that claims gzip but is damaged gzip (or not gzip at all).
      const body = mutateBytes(rng, Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, ...seeds.proto[0].slice(0, 64)]));
      await probe(app, stats, `gzip #${i}`, '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, body: body as Uint8Array<ArrayBuffer> });
    }
  }
  const [start, end] = windowS;
  for (let i = 0; i < plan.queries; i++) {
    const q = encodeURIComponent(fuzzTraceQL(rng));
    if (rng.chance(0.8)) await probe(app, stats, `search #${i}`, `/api/search?q=${q}&start=${start}&end=${end}&limit=20`);
    else await probe(app, stats, `tag values #${i}`, `/api/v2/search/tag/span.http.method/values?q=${q}&start=${start}&end=${end}`);
  }
  for (const bad of injections) {
    const x = encodeURIComponent(bad);
    const paths = [
      `/api/search?q=${encodeURIComponent(`{ span.http.method = "${bad.replaceAll('"', '\\"')}" }`)}&start=${start}&end=${end}`,
      `/api/search?q=${encodeURIComponent(`{ span."${bad.replaceAll('"', '\\"')}" = 1 }`)}&start=${start}&end=${end}`,
      `/api/search?q=${encodeURIComponent(`{ name =~ "${bad.replaceAll('"', '\\"').replaceAll('\\', '\\\\')}" }`)}&start=${start}&end=${end}`,
      `/api/search?tags=${encodeURIComponent(`service.name="${bad.replaceAll('"', '\\"')}"`)}&start=${start}&end=${end}`,
      `/api/search?q={}&start=${x}&end=${end}`,
      `/api/search?q={}&start=${start}&end=${x}`,
      `/api/search?q={}&limit=${x}`,
      `/api/search?q={}&spss=${x}`,
      `/api/search?q={}&minDuration=${x}`,
      `/api/search?q={}&maxDuration=${x}`,
      `/api/search/tags?scope=${x}`,
      `/api/v2/search/tags?scope=${x}`,
      `/api/search/tag/${x}/values`,
      `/api/v2/search/tag/${encodeURIComponent(x)}/values`,
      `/api/v2/search/tag/span.x/values?q=${x}`,
      `/api/traces/${x}`,
      `/api/v2/traces/${x}?start=${x}&end=${x}`,
      `/jaeger/api/traces?service=${x}&operation=${x}&tags=${x}`,
      `/jaeger/api/traces?service=${x}&tags=${encodeURIComponent(JSON.stringify({ [bad]: bad }))}`,
      `/jaeger/api/services/${x}/operations`,
      `/jaeger/api/dependencies?endTs=${x}&lookback=${x}`,
      `/metrics/generator`,
    ];
    for (const p of paths) await probe(app, stats, `injection ${JSON.stringify(bad)}`, p, { headers: { 'x-scope-orgid': 'single-tenant' } });
  }
  return stats;
}
