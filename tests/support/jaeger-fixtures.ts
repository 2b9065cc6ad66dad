// Hand-made traces for the Jaeger API tests: every attribute type, events, links (one marked as
// a second parent), errors, trace state, an orphan span and a resource without service.name.
import type { AnyValue, KeyValue, Span, TracesData } from '@tracegres/otlp';

export const baseMs = Date.now() - 30 * 60_000;
export const baseNs = BigInt(baseMs) * 1_000_000n;
export const us = (ms: number, extraNs = 0) => Number((baseNs + BigInt(ms) * 1_000_000n + BigInt(extraNs)) / 1000n);

const s = (v: string): AnyValue => ({ type: 'string', value: v });
const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

interface Hand {
  id: string;
  parent?: string;
  name: string;
  startMs: number;
  durMs: number;
  kind?: number;
  status?: { code: 0 | 1 | 2; message: string };
  attrs?: KeyValue[];
  events?: Span['events'];
  links?: Span['links'];
  traceState?: string;
  flags?: number;
}

function span(traceId: string, h: Hand): Span {
  const start = baseNs + BigInt(h.startMs) * 1_000_000n + 1234n;
  return {
    traceId, spanId: h.id, parentSpanId: h.parent ?? '', traceState: h.traceState ?? '', name: h.name,
    kind: (h.kind ?? 0) as Span['kind'], startTimeUnixNano: start, endTimeUnixNano: start + BigInt(h.durMs) * 1_000_000n,
    attributes: h.attrs ?? [], droppedAttributesCount: 0, events: h.events ?? [], droppedEventsCount: 0,
    links: h.links ?? [], droppedLinksCount: 0, status: h.status ?? { code: 0, message: '' }, flags: h.flags ?? 0,
  };
}

function resource(service: string | null, extra: KeyValue[], scope: { name: string; version: string }, spans: Span[]) {
  return {
    resource: { attributes: [...(service === null ? [] : [kv('service.name', s(service))]), ...extra], droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeSpans: [{ scope: { ...scope, attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
  };
}

// Trace A: a 64-bit id (high half zero), frontend -> backend -> db, with every attribute type,
// events, links (one marked as a second parent), an error, trace state and flags.
export const A = '0000000000000000a1a2a3a4a5a6a7a8';
export const B = 'b0b1b2b3b4b5b6b7b8b9babbbcbdbebf';
export const OTHER = 'ffeeddccbbaa99887766554433221100';
const huge = 2n ** 60n;
export const traceA: TracesData = {
  resourceSpans: [
    resource('frontend', [kv('host.name', s('web-1')), kv('k8s.pod.count', { type: 'int', value: 3n })], { name: 'fe-lib', version: '1.2' }, [
      span(A, {
        id: '00000000000000f1', name: 'GET /checkout', startMs: 0, durMs: 100, kind: 2, flags: 257, traceState: 'vendor=1',
        attrs: [
          kv('z.last', s('z')),
          kv('http.request.method', s('GET')),
          kv('http.response.status_code', { type: 'int', value: 500n }),
          kv('app.huge', { type: 'int', value: huge }),
          kv('app.ratio', { type: 'double', value: 0.25 }),
          kv('app.ok', { type: 'bool', value: false }),
          kv('app.bytes', { type: 'bytes', value: new Uint8Array([1, 2, 3]) }),
          kv('app.list', { type: 'array', value: [s('a'), { type: 'int', value: 2n }] }),
          kv('app.map', { type: 'kvlist', value: [kv('y', s('2')), kv('x', { type: 'bool', value: true })] }),
          kv('app.empty', { type: 'empty' }),
        ],
        events: [
          { timeUnixNano: baseNs + 5_000_000n, name: 'retry', attributes: [kv('attempt', { type: 'int', value: 2n })], droppedAttributesCount: 0 },
          { timeUnixNano: baseNs + 3_000_000n, name: 'exception', attributes: [kv('exception.message', s('declined')), kv('event', s('custom'))], droppedAttributesCount: 0 },
        ],
        status: { code: 2, message: 'payment declined' },
      }),
    ]),
    resource('backend', [], { name: '', version: '' }, [
      span(A, {
        id: '00000000000000b1', parent: '00000000000000f1', name: 'charge', startMs: 10, durMs: 50, kind: 3,
        links: [
          { traceId: OTHER, spanId: '0102030405060708', traceState: '', attributes: [kv('link.note', s('batch'))], droppedAttributesCount: 0, flags: 0 },
          { traceId: A, spanId: '00000000000000f2', traceState: '', attributes: [kv('opentracing.ref_type', s('child_of'))], droppedAttributesCount: 0, flags: 0 },
        ],
        status: { code: 1, message: '' },
      }),
      span(A, { id: '00000000000000f2', parent: '00000000000000f1', name: 'validate', startMs: 5, durMs: 2, kind: 1 }),
    ]),
    resource('db', [kv('db.system.name', s('postgresql'))], { name: 'pg', version: '' }, [
      span(A, { id: '00000000000000d1', parent: '00000000000000b1', name: 'SELECT card', startMs: 20, durMs: 5, kind: 3, attrs: [kv('rows', { type: 'int', value: 1n })] }),
      // Its parent never arrived: an orphan, warned about unless raw.
      span(A, { id: '00000000000000d2', parent: '00000000000000ee', name: 'SELECT late', startMs: 30, durMs: 1, kind: 0 }),
    ]),
  ],
};
export const traceB: TracesData = {
  resourceSpans: [
    resource('frontend', [kv('host.name', s('web-1')), kv('k8s.pod.count', { type: 'int', value: 3n })], { name: 'fe-lib', version: '1.2' }, [
      span(B, { id: '000000000000000b', name: 'GET /home', startMs: 600, durMs: 3, kind: 2, attrs: [kv('http.response.status_code', { type: 'int', value: 200n })] }),
    ]),
    resource(null, [], { name: '', version: '' }, [span(B, { id: '000000000000000c', parent: '000000000000000b', name: 'mystery', startMs: 601, durMs: 1 })]),
  ],
};

const proc = { frontend: { serviceName: 'frontend', tags: [{ key: 'host.name', type: 'string', value: 'web-1' }, { key: 'k8s.pod.count', type: 'int64', value: 3 }] } };

/** Trace A as Jaeger's model, adjusted (tags and events sorted, warnings). */
export function expectedA() {
  const root = {
    traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000f1', flags: 1, operationName: 'GET /checkout', references: [],
    startTime: us(0, 1234), duration: 100_000,
    tags: [
      { key: 'otel.scope.name', type: 'string', value: 'fe-lib' },
      { key: 'otel.scope.version', type: 'string', value: '1.2' },
      { key: 'app.bytes', type: 'binary', value: 'AQID' },
      { key: 'app.empty', type: 'string', value: '' },
      { key: 'app.huge', type: 'int64', value: huge.toString() },
      { key: 'app.list', type: 'string', value: '["a",2]' },
      { key: 'app.map', type: 'string', value: '{"x":true,"y":"2"}' },
      { key: 'app.ok', type: 'bool', value: false },
      { key: 'app.ratio', type: 'float64', value: 0.25 },
      { key: 'http.request.method', type: 'string', value: 'GET' },
      { key: 'http.response.status_code', type: 'int64', value: 500 },
      { key: 'z.last', type: 'string', value: 'z' },
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'otel.status_code', type: 'string', value: 'ERROR' },
      { key: 'error', type: 'bool', value: true },
      { key: 'otel.status_description', type: 'string', value: 'payment declined' },
      { key: 'w3c.tracestate', type: 'string', value: 'vendor=1' },
    ],
    logs: [
      // Sorted by event name; an `event` attribute replaces the name field.
      { timestamp: us(3), fields: [{ key: 'event', type: 'string', value: 'custom' }, { key: 'exception.message', type: 'string', value: 'declined' }] },
      { timestamp: us(5), fields: [{ key: 'event', type: 'string', value: 'retry' }, { key: 'attempt', type: 'int64', value: 2 }] },
    ],
    processID: 'p1', warnings: null,
  };
  const charge = {
    traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000b1', operationName: 'charge',
    references: [
      { refType: 'CHILD_OF', traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000f1' },
      { refType: 'FOLLOWS_FROM', traceID: OTHER, spanID: '0102030405060708' },
      { refType: 'CHILD_OF', traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000f2' },
    ],
    startTime: us(10, 1234), duration: 50_000,
    tags: [{ key: 'span.kind', type: 'string', value: 'client' }, { key: 'otel.status_code', type: 'string', value: 'OK' }],
    logs: [], processID: 'p2', warnings: null,
  };
  const validate = {
    traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000f2', operationName: 'validate',
    references: [{ refType: 'CHILD_OF', traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000f1' }],
    startTime: us(5, 1234), duration: 2000, tags: [{ key: 'span.kind', type: 'string', value: 'internal' }], logs: [], processID: 'p2', warnings: null,
  };
  const select = {
    traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000d1', operationName: 'SELECT card',
    references: [{ refType: 'CHILD_OF', traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000b1' }],
    startTime: us(20, 1234), duration: 5000,
    tags: [{ key: 'otel.scope.name', type: 'string', value: 'pg' }, { key: 'rows', type: 'int64', value: 1 }, { key: 'span.kind', type: 'string', value: 'client' }],
    logs: [], processID: 'p3', warnings: null,
  };
  const late = {
    traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000d2', operationName: 'SELECT late',
    references: [{ refType: 'CHILD_OF', traceID: 'a1a2a3a4a5a6a7a8', spanID: '00000000000000ee' }],
    startTime: us(30, 1234), duration: 1000, tags: [{ key: 'otel.scope.name', type: 'string', value: 'pg' }], logs: [], processID: 'p3',
    warnings: ['parent span ID=00000000000000ee is not in the trace; skipping clock skew adjustment'],
  };
  return {
    traceID: 'a1a2a3a4a5a6a7a8',
    spans: [root, charge, validate, select, late],
    processes: {
      p1: proc.frontend,
      p2: { serviceName: 'backend', tags: [] },
      p3: { serviceName: 'db', tags: [{ key: 'db.system.name', type: 'string', value: 'postgresql' }] },
    },
    warnings: null,
  };
}

