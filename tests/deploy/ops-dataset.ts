// The small, hand-made data set the operations guide's SQL examples are checked against: three
// traces of a shop, ten minutes ago, with the numbers each example should return worked out by
// hand in operator-views.test.ts. Trace ids are the ones the guide's examples use.
import type { AnyValue, KeyValue, Span, TracesData } from '@tracegres/otlp';

export const CHECKOUT_TIMEOUT = '4bf92f3577b34da6a3ce929d0e0e4736';
export const CART = '5b8efff798038103d269b633813fc60c';
export const CHECKOUT_INVALID = '6e0c63257de34c926f9efcd03927272e';

type Attr = string | number | AnyValue;

interface Def {
  trace: string;
  id: string;
  parent?: string;
  service: string;
  version: string;
  name: string;
  kind: Span['kind'];
  at: number;
  ms: number;
  error?: boolean;
  attrs?: Record<string, Attr>;
  events?: { at: number; name: string; attrs: Record<string, Attr> }[];
  links?: { trace: string; span: string }[];
}

const db = (system: string, query: string) => ({ 'db.system.name': system, 'db.query.text': query });
const items = 'SELECT * FROM items WHERE order_id = $1';

const defs: Def[] = [
  // Checkout that times out in orders, after three identical queries (an N+1).
  { trace: CHECKOUT_TIMEOUT, id: 'f1', service: 'frontend', version: '1.4.0', name: 'GET /checkout', kind: 2, at: 0, ms: 400, error: true,
    attrs: {
      'http.request.method': 'GET', 'http.route': '/checkout', 'http.response.status_code': 500,
      'app.cart.items': 3, 'app.order.total': { type: 'double', value: 2 }, 'app.tags': { type: 'array', value: [{ type: 'string', value: 'gift' }, { type: 'string', value: 'express' }] },
      'app.payload': { type: 'bytes', value: new Uint8Array([1, 2, 3]) }, 'app.meta': { type: 'kvlist', value: [{ key: 'region', value: { type: 'string', value: 'eu' } }] },
    } },
  { trace: CHECKOUT_TIMEOUT, id: 'f2', parent: 'f1', service: 'frontend', version: '1.4.0', name: 'POST /api/orders', kind: 3, at: 10, ms: 380, error: true },
  { trace: CHECKOUT_TIMEOUT, id: 'o1', parent: 'f2', service: 'orders', version: '2.0.1', name: 'POST /api/orders', kind: 2, at: 20, ms: 360, error: true,
    attrs: { 'http.route': '/api/orders', 'app.order.id': 'o-1001' },
    events: [{ at: 370, name: 'exception', attrs: { 'exception.type': 'TimeoutError', 'exception.message': 'query timed out' } }] },
  { trace: CHECKOUT_TIMEOUT, id: 'o2', parent: 'o1', service: 'orders', version: '2.0.1', name: 'SELECT items', kind: 3, at: 30, ms: 50, attrs: db('postgresql', items) },
  { trace: CHECKOUT_TIMEOUT, id: 'o3', parent: 'o1', service: 'orders', version: '2.0.1', name: 'SELECT items', kind: 3, at: 90, ms: 50, attrs: db('postgresql', items) },
  { trace: CHECKOUT_TIMEOUT, id: 'o4', parent: 'o1', service: 'orders', version: '2.0.1', name: 'SELECT items', kind: 3, at: 150, ms: 50, attrs: db('postgresql', items) },
  // A cart view that links back to the failed checkout.
  { trace: CART, id: 'c1', service: 'frontend', version: '1.4.0', name: 'GET /cart', kind: 2, at: 1000, ms: 100,
    attrs: { 'http.request.method': 'GET', 'http.route': '/cart', 'http.response.status_code': 200 } },
  { trace: CART, id: 'c2', parent: 'c1', service: 'frontend', version: '1.4.0', name: 'GET /api/cart', kind: 3, at: 1010, ms: 80 },
  { trace: CART, id: 'c3', parent: 'c2', service: 'cart', version: '0.9.0', name: 'GET /api/cart', kind: 2, at: 1020, ms: 60,
    links: [{ trace: CHECKOUT_TIMEOUT, span: 'o1' }] },
  { trace: CART, id: 'c4', parent: 'c3', service: 'cart', version: '0.9.0', name: 'GET', kind: 3, at: 1030, ms: 5, attrs: db('redis', 'GET cart:42') },
  // A checkout that orders (a newer release) refuses before touching the database.
  { trace: CHECKOUT_INVALID, id: 'v1', service: 'frontend', version: '1.4.0', name: 'GET /checkout', kind: 2, at: 2000, ms: 120, error: true,
    attrs: { 'http.request.method': 'GET', 'http.route': '/checkout', 'http.response.status_code': 500 } },
  { trace: CHECKOUT_INVALID, id: 'v2', parent: 'v1', service: 'frontend', version: '1.4.0', name: 'POST /api/orders', kind: 3, at: 2010, ms: 100, error: true },
  { trace: CHECKOUT_INVALID, id: 'v3', parent: 'v2', service: 'orders', version: '2.0.2', name: 'POST /api/orders', kind: 2, at: 2020, ms: 80, error: true,
    attrs: { 'http.route': '/api/orders' },
    events: [
      { at: 2030, name: 'retry', attrs: { attempt: 1 } },
      { at: 2090, name: 'exception', attrs: { 'exception.type': 'ValidationError', 'exception.message': 'empty cart' } },
    ] },
];

const MS = 1_000_000n;
const spanId = (id: string) => Buffer.from(id.padEnd(8, '.')).toString('hex');

function kv(o: Record<string, Attr>): KeyValue[] {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { type: 'string', value: v } : typeof v === 'number' ? { type: 'int', value: BigInt(v) } : v,
  }));
}

/** The span id (hex) the data set gives the span named `id` in `defs`. */
export const spanHex = spanId;

/** The data set, `baseMs` being the start of the first trace. */
export function opsDataset(baseMs: number): TracesData {
  const groups = new Map<string, Span[]>();
  for (const d of defs) {
    const start = BigInt(baseMs + d.at) * MS;
    const key = `${d.service}@${d.version}`;
    groups.set(key, [
      ...(groups.get(key) ?? []),
      {
        traceId: d.trace, spanId: spanId(d.id), parentSpanId: d.parent ? spanId(d.parent) : '', traceState: '', name: d.name, kind: d.kind,
        startTimeUnixNano: start, endTimeUnixNano: start + BigInt(d.ms) * MS, attributes: kv(d.attrs ?? {}), droppedAttributesCount: 0,
        events: (d.events ?? []).map((e) => ({ timeUnixNano: BigInt(baseMs + e.at) * MS, name: e.name, attributes: kv(e.attrs), droppedAttributesCount: 0 })),
        droppedEventsCount: 0,
        links: (d.links ?? []).map((l) => ({ traceId: l.trace, spanId: spanId(l.span), traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 })),
        droppedLinksCount: 0, status: { code: d.error ? 2 : 0, message: d.error ? 'failed' : '' }, flags: 0,
      },
    ]);
  }
  return {
    resourceSpans: [...groups].map(([key, spans]) => {
      const [service, version] = key.split('@');
      return {
        resource: { attributes: kv({ 'service.name': service, 'service.version': version }), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: 'shop', version: '1.0.0', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
      };
    }),
  };
}
