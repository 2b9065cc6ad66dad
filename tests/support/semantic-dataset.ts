// A seeded dataset for TraceQL semantic tests: nested traces across several services, errors with
// messages, events, links, instrumentation scopes with attributes, typed and array attributes,
// keys shared between scopes (so unscoped lookups have something to decide), a quoted key, a key
// whose type varies between spans, and one trace whose root never arrived. The vocabulary it draws
// from is exported for the query generator.
import { Rng } from '@tracegres/loadgen';
import type { AnyValue, KeyValue, Span, TracesData } from '@tracegres/otlp';

export const SERVICES = ['gateway', 'api', 'db', 'cache', 'payments', 'worker'] as const;
export const SPAN_NAMES = ['GET /orders', 'POST /pay', 'SELECT orders', 'cache get', 'charge', 'batch', 'step'] as const;
export const EVENT_NAMES = ['exception', 'retry', 'cache.miss'] as const;
export const SCOPES = [
  { name: 'http', version: '1.2.0', attributes: { 'lib.lang': 'go', 'lib.major': 1 } },
  { name: 'sql', version: '', attributes: {} },
  { name: 'otel-js', version: '2.0', attributes: { 'lib.lang': 'js', shared: 'from-scope', 'lib.major': 2 } },
] as const;
export const STRINGS = ['GET', 'POST', 'PUT', 'red', 'green', 'blue', 'prod', 'staging', 'eu', 'us', 'boom', 'timeout', '200', 'x"y', 'a b'];
/** Dyadic fractions only: float64 and Postgres numeric agree exactly on their sums and products. */
export const FLOATS = [0.25, 0.5, 0.75, 1.5, 2.0, -0.5, 19.75];
export const INTS = [0, 1, 2, 3, 5, 42, 100, 200, 404, 500, -7];

type Plain = string | number | boolean | (string | number | boolean)[] | { float: number } | null;

/** Plain JS to OTLP: integers are ints, `{ float }` forces a double, arrays map elementwise, null is empty. */
export function anyValue(x: Plain): AnyValue {
  if (x === null) return { type: 'empty' };
  if (typeof x === 'string') return { type: 'string', value: x };
  if (typeof x === 'boolean') return { type: 'bool', value: x };
  if (typeof x === 'number') return Number.isInteger(x) ? { type: 'int', value: BigInt(x) } : { type: 'double', value: x };
  if (Array.isArray(x)) return { type: 'array', value: x.map((y) => anyValue(y)) };
  return { type: 'double', value: x.float };
}

const kvs = (o: Record<string, Plain>): KeyValue[] => Object.entries(o).map(([key, v]) => ({ key, value: anyValue(v) }));

interface Service {
  name: string;
  resource: Record<string, Plain>;
  scope: (typeof SCOPES)[number];
}

function services(rng: Rng): Service[] {
  return SERVICES.map((name, i) => ({
    name,
    resource: {
      'service.name': name,
      'deployment.environment.name': rng.pick(['prod', 'staging']),
      region: rng.pick(['eu', 'us']),
      'host.cores': rng.pick([2, 4, 8]),
      ...(i % 2 === 0 ? { shared: 'from-resource' } : {}),
      ...(i % 3 === 0 ? { 'res.flag': rng.chance(0.5) } : {}),
      ...(name === 'db' ? { rows: 7 } : {}),
    },
    scope: SCOPES[i % SCOPES.length],
  }));
}

function spanAttributes(rng: Rng): Record<string, Plain> {
  const a: Record<string, Plain> = {};
  const maybe = (p: number, key: string, v: () => Plain) => {
    if (rng.chance(p)) a[key] = v();
  };
  maybe(0.5, 'http.method', () => rng.pick(['GET', 'POST', 'PUT']));
  maybe(0.5, 'http.status_code', () => rng.pick([200, 201, 404, 500, 503]));
  maybe(0.4, 'rows', () => rng.int(0, 100));
  maybe(0.4, 'ratio', () => ({ float: rng.pick(FLOATS) }));
  maybe(0.4, 'hit', () => rng.chance(0.5));
  maybe(0.3, 'tags', () => ['red', 'green', 'blue'].filter(() => rng.chance(0.5)));
  maybe(0.3, 'nums', () => Array.from({ length: rng.int(1, 3) }, () => rng.int(1, 5)));
  maybe(0.15, 'flags', () => [rng.chance(0.5), rng.chance(0.5)]);
  maybe(0.15, 'weights', () => [rng.pick(FLOATS), rng.pick(FLOATS) + 0.25]);
  maybe(0.2, 'weird key', () => rng.pick(['x"y', 'a b', 'plain']));
  maybe(0.3, 'shared', () => 'from-span');
  maybe(0.2, 'code', () => rng.pick(['200', '500']));
  maybe(0.3, 'val', () => rng.pick<Plain>([1, 2, 'one', { float: 1.5 }, true]));
  maybe(0.1, 'gone', () => null);
  return a;
}

function events(rng: Rng, startNs: bigint, durNs: bigint): Span['events'] {
  return Array.from({ length: rng.weighted([[0, 5], [1, 3], [2, 2], [3, 1]] as const) }, () => {
    const a: Record<string, Plain> = {};
    if (rng.chance(0.5)) a['exception.type'] = rng.pick(['IOError', 'Timeout']);
    if (rng.chance(0.5)) a.attempt = rng.int(1, 4);
    if (rng.chance(0.3)) a.shared = 'from-event';
    if (rng.chance(0.3)) a['ev.ratio'] = { float: rng.pick(FLOATS) };
    if (rng.chance(0.3)) a['retry.ok'] = rng.chance(0.5);
    if (rng.chance(0.2)) a.only_event = rng.pick(['e1', 'e2']);
    return { timeUnixNano: startNs + (durNs * BigInt(rng.int(0, 100))) / 100n, name: rng.pick(EVENT_NAMES), attributes: kvs(a), droppedAttributesCount: 0 };
  });
}

function links(rng: Rng): Span['links'] {
  return Array.from({ length: rng.weighted([[0, 6], [1, 3], [2, 1]] as const) }, () => {
    const a: Record<string, Plain> = {};
    if (rng.chance(0.6)) a['link.kind'] = rng.pick(['follows', 'batch']);
    if (rng.chance(0.4)) a.weight = rng.int(1, 9);
    if (rng.chance(0.3)) a.shared = 'from-link';
    if (rng.chance(0.2)) a.only_link = true;
    const traceId = rng.chance(0.3) ? '0000' + rng.hex(14) : rng.hex(16);
    return { traceId, spanId: rng.hex(8), traceState: '', attributes: kvs(a), droppedAttributesCount: 0, flags: 0 };
  });
}

/** `count` traces starting at `baseNs`, one every `everyNs`; deterministic for a seed. */
export function semanticDataset(seed: number, count: number, baseNs: bigint, everyNs = 2_000_000_000n): TracesData[] {
  const rng = new Rng(seed);
  const svcs = services(rng);
  const out: TracesData[] = [];
  for (let t = 0; t < count; t++) {
    const traceId = (t % 5 === 0 ? '00000000' + rng.hex(12) : rng.hex(16));
    const start = baseNs + BigInt(t) * everyNs;
    const n = rng.int(1, 10);
    const spans: { span: Span; svc: Service }[] = [];
    const orphan = t === 3; // its root never arrived: every span has a parent
    for (let i = 0; i < n; i++) {
      const parent = i === 0 ? (orphan ? { span: { spanId: rng.hex(8) } } : undefined) : rng.pick(spans);
      const svc = i === 0 ? svcs[t % 3] : rng.pick(svcs);
      const s0 = start + BigInt(i) * 1_000_000n + BigInt(rng.int(0, 500)) * 1000n;
      const dur = BigInt(rng.pick([1, 2, 5, 20, 100, 250, 1500])) * 1_000_000n + BigInt(rng.int(0, 999)) * 1000n;
      const status = rng.weighted([[0, 6], [1, 2], [2, 3]] as const);
      spans.push({
        svc,
        span: {
          traceId, spanId: rng.hex(8), parentSpanId: parent?.span.spanId ?? '', traceState: '', name: rng.pick(SPAN_NAMES),
          kind: rng.int(0, 5) as Span['kind'], startTimeUnixNano: s0, endTimeUnixNano: s0 + dur, attributes: kvs(spanAttributes(rng)),
          droppedAttributesCount: 0, events: events(rng, s0, dur), droppedEventsCount: 0, links: links(rng), droppedLinksCount: 0,
          status: { code: status as Span['status']['code'], message: status === 2 ? rng.pick(['boom', 'timeout']) : '' }, flags: 0,
        },
      });
    }
    const bySvc = new Map<Service, Span[]>();
    for (const { span, svc } of spans) bySvc.set(svc, [...(bySvc.get(svc) ?? []), span]);
    out.push({
      resourceSpans: [...bySvc].map(([svc, ss]) => ({
        resource: { attributes: kvs(svc.resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: svc.scope.name, version: svc.scope.version, attributes: kvs(svc.scope.attributes), droppedAttributesCount: 0 }, schemaUrl: '', spans: ss }],
      })),
    });
  }
  return out;
}
