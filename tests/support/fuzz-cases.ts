// The requests a fuzz run sends, as a seeded stream: mutated OTLP bodies (protobuf, JSON, gzip of
// either, damaged gzip, mislabelled content types) and generated TraceQL through search, tag-value
// and metrics endpoints. The same seed and plan give the same requests in the same order.
import { gzipSync } from 'node:zlib';
import { createRng } from '@tracegres/loadgen';
import { fuzzTraceQL, mutateBytes, mutateJson, seedBodies } from './fuzz.ts';
import { QueryGenerator } from './query-generator.ts';

export interface FuzzCase {
  /** What kind of case it is (`proto`, `json`, `search`...) and its number, for reports. */
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer> | string;
  /** The longest it may take to answer. */
  timeoutMs: number;
}

export interface FuzzPlan {
  seed: number;
  bodies: number;
  queries: number;
}

/** An OTLP export must answer well within an SDK's 10 s timeout, even when rejecting. */
export const BODY_TIMEOUT_MS = 10_000;
/** Queries run under a 30 s statement timeout; the answer may take a little longer. */
export const QUERY_TIMEOUT_MS = 35_000;

const PROTO = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const ODD_TYPES = ['', 'text/plain', 'application/x-protobuf; charset=utf-8', 'application/json; charset=utf-16', 'application/protobuf', 'multipart/form-data; boundary=x', '*/*'];
const METRICS = ['rate()', 'count_over_time()', 'count_over_time() by (resource.service.name)', 'quantile_over_time(duration, .5, .99)', 'avg_over_time(duration) by (span.http.method)', 'histogram_over_time(duration)', 'max_over_time(span.http.status_code)', 'topk(3, rate())'];

const asBody = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

/**
 * The cases of a plan, bodies and queries interleaved (writes and reads run together, as in
 * production). `windowS` is the search window in unix seconds.
 */
export function* fuzzCases(plan: FuzzPlan, windowS: [number, number]): Generator<FuzzCase> {
  const rng = createRng(plan.seed);
  const grammar = new QueryGenerator(plan.seed);
  const seeds = seedBodies(8);
  const seedJsonBytes = seeds.json.map((j) => new TextEncoder().encode(j));
  const [start, end] = windowS;
  let b = 0;
  let q = 0;
  while (b < plan.bodies || q < plan.queries) {
    // Spread the queries evenly through the bodies.
    const takeBody = q >= plan.queries || (b < plan.bodies && b * plan.queries <= q * plan.bodies);
    if (takeBody) {
      const i = b++;
      const post = (kind: string, body: Uint8Array | string, headers: Record<string, string>): FuzzCase => ({
        label: `${kind} #${i}`, method: 'POST', path: '/v1/traces', headers, body: typeof body === 'string' ? body : asBody(body), timeoutMs: BODY_TIMEOUT_MS,
      });
      const proto = () => mutateBytes(rng, rng.pick(seeds.proto));
      const json = () => mutateJson(rng, rng.pick(seeds.json));
      switch (rng.int(0, 9)) {
        case 0: case 1: case 2:
          yield post('proto', proto(), { 'content-type': PROTO });
          break;
        case 3: case 4: case 5:
          yield post('json', json(), { 'content-type': JSON_TYPE });
          break;
        case 6:
          // Well-formed gzip around damaged content: decompression works, decoding must not.
          yield rng.chance(0.5)
            ? post('gzip-proto', gzipSync(proto()), { 'content-type': PROTO, 'content-encoding': 'gzip' })
            : post('gzip-json', gzipSync(json()), { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' });
          break;
        case 7: {
          // Damaged gzip: truncated streams, bad CRCs, broken deflate blocks, trailing junk.
          const inner = rng.chance(0.5) ? rng.pick(seeds.proto) : rng.pick(seedJsonBytes);
          yield post('bad-gzip', mutateBytes(rng, gzipSync(inner)), { 'content-type': rng.chance(0.5) ? PROTO : JSON_TYPE, 'content-encoding': rng.pick(['gzip', 'gzip', 'deflate', 'x-gzip']) });
          break;
        }
        case 8: {
          // Content that does not match its label, or labels nobody sends.
          const body = rng.chance(0.5) ? rng.pick(seeds.proto) : rng.pick(seedJsonBytes);
          const headers: Record<string, string> = {};
          const type = rng.chance(0.5) ? rng.pick(ODD_TYPES) : rng.chance(0.5) ? PROTO : JSON_TYPE;
          if (type) headers['content-type'] = type;
          if (rng.chance(0.2)) headers['content-encoding'] = rng.pick(['br', 'identity', 'gzip, gzip', 'zstd']);
          yield post('mislabelled', body, headers);
          break;
        }
        default:
          // Unmutated bodies, sent again and again: re-sent spans must be stored once (idempotent).
          yield rng.chance(0.5) ? post('valid', rng.pick(seeds.proto), { 'content-type': PROTO }) : post('valid', rng.pick(seeds.json), { 'content-type': JSON_TYPE });
      }
    } else {
      const i = q++;
      const text = encodeURIComponent(fuzzTraceQL(rng, grammar));
      const get = (kind: string, path: string): FuzzCase => ({ label: `${kind} #${i}`, method: 'GET', path, headers: {}, timeoutMs: QUERY_TIMEOUT_MS });
      const r = rng.int(0, 9);
      if (r < 6) yield get('search', `/api/search?q=${text}&start=${start}&end=${end}&limit=${rng.pick([1, 20, 100])}${rng.chance(0.3) ? `&spss=${rng.int(0, 10)}` : ''}`);
      else if (r < 8) yield get('tag-values', `/api/v2/search/tag/${rng.pick(['span.http.method', 'resource.service.name', 'name', 'status'])}/values?q=${text}&start=${start}&end=${end}`);
      else {
        const metrics = encodeURIComponent(`${decodeURIComponent(text)} | ${rng.pick(METRICS)}`);
        yield rng.chance(0.5)
          ? get('metrics-range', `/api/metrics/query_range?q=${metrics}&start=${start}&end=${end}&step=${rng.pick(['15s', '60', '5m'])}`)
          : get('metrics-instant', `/api/metrics/query?q=${metrics}&start=${start}&end=${end}`);
      }
    }
  }
}
