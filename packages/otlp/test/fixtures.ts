/**
 * Test fixtures: the independent protobufjs schema, a model that exercises every field, and
 * converters between the model and protobufjs objects. Real SDK payloads are in sdk-payloads.ts.
 */

import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { AnyValue, KeyValue, Span, TracesData } from '../src/model.ts';
import { bytesToHex, hexToBytes } from '../src/hex.ts';

const root = protobuf.loadSync([
  fileURLToPath(new URL('./otlp-trace.proto', import.meta.url)),
  fileURLToPath(new URL('./tempo-and-status.proto', import.meta.url)),
]);

/** protobufjs types from our own .proto files. */
export const pb = {
  request: root.lookupType('tracegres.test.otlp.ExportTraceServiceRequest'),
  response: root.lookupType('tracegres.test.otlp.ExportTraceServiceResponse'),
  traceByIdResponse: root.lookupType('tracegres.test.misc.TraceByIDResponse'),
  rpcStatus: root.lookupType('tracegres.test.misc.RpcStatus'),
  badRequest: root.lookupType('tracegres.test.misc.BadRequest'),
};

export function kv(key: string, value: AnyValue): KeyValue {
  return { key, value };
}

export function span(over: Partial<Span> = {}): Span {
  return {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    parentSpanId: '',
    traceState: '',
    name: 'GET /',
    kind: 2,
    startTimeUnixNano: 1544712660000000000n,
    endTimeUnixNano: 1544712661000000000n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
    ...over,
  };
}

export function wrap(spans: Span[], resourceAttrs: KeyValue[] = []): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttrs, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
      },
    ],
  };
}

/** Every AnyValue shape, including the edge values. */
export function everyValue(): KeyValue[] {
  return [
    kv('s', { type: 'string', value: 'hello' }),
    kv('s.empty', { type: 'string', value: '' }),
    kv('s.unicode', { type: 'string', value: 'héllo wörld — 日本語 🎉 \u2028' }),
    kv('s.bom', { type: 'string', value: '\ufeffbom first' }),
    kv('s.nul', { type: 'string', value: 'a\u0000b"c\\d\n' }),
    kv('s.long', { type: 'string', value: 'x'.repeat(300) + 'é'.repeat(100) }),
    kv('b.true', { type: 'bool', value: true }),
    kv('b.false', { type: 'bool', value: false }),
    kv('i.zero', { type: 'int', value: 0n }),
    kv('i.neg', { type: 'int', value: -1n }),
    kv('i.neg.big', { type: 'int', value: -123456789012345n }),
    kv('i.max', { type: 'int', value: 9223372036854775807n }),
    kv('i.min', { type: 'int', value: -9223372036854775808n }),
    kv('i.2^53+1', { type: 'int', value: 9007199254740993n }),
    kv('i.2^32', { type: 'int', value: 4294967296n }),
    kv('d.zero', { type: 'double', value: 0 }),
    kv('d.negzero', { type: 'double', value: -0 }),
    kv('d.frac', { type: 'double', value: 1.5 }),
    kv('d.tiny', { type: 'double', value: 5e-324 }),
    kv('d.big', { type: 'double', value: 1e300 }),
    kv('d.nan', { type: 'double', value: NaN }),
    kv('d.inf', { type: 'double', value: Infinity }),
    kv('d.ninf', { type: 'double', value: -Infinity }),
    kv('bytes', { type: 'bytes', value: new Uint8Array([0, 1, 2, 250, 255]) }),
    kv('bytes.empty', { type: 'bytes', value: new Uint8Array(0) }),
    kv('arr.empty', { type: 'array', value: [] }),
    kv('arr.mixed', {
      type: 'array',
      value: [
        { type: 'string', value: 'a' },
        { type: 'int', value: 2n },
        { type: 'empty' },
        { type: 'array', value: [{ type: 'array', value: [{ type: 'bool', value: true }] }, { type: 'array', value: [] }] },
        { type: 'kvlist', value: [kv('k', { type: 'double', value: 2.5 })] },
      ],
    }),
    kv('kv.empty', { type: 'kvlist', value: [] }),
    kv('kv.nested', {
      type: 'kvlist',
      value: [kv('a', { type: 'kvlist', value: [kv('b', { type: 'array', value: [{ type: 'string', value: 'deep' }] })] }), kv('', { type: 'empty' })],
    }),
    kv('empty', { type: 'empty' }),
  ];
}

/** A model that sets every field of every message at least once. */
export function richTracesData(): TracesData {
  const a = span({
    traceState: 'vendor=a,other=b',
    parentSpanId: '0102030405060708',
    name: 'SELECT ünïcode',
    kind: 3,
    startTimeUnixNano: 9223372036854775807n,
    endTimeUnixNano: 18446744073709551615n,
    attributes: everyValue(),
    droppedAttributesCount: 3,
    events: [
      { timeUnixNano: 1700000000000000001n, name: 'exception', attributes: [kv('exception.message', { type: 'string', value: 'boom' })], droppedAttributesCount: 1 },
      { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 4,
    links: [
      { traceId: 'ffffffffffffffffffffffffffffffff', spanId: '0000000000000001', traceState: 'x=y', attributes: [kv('link.n', { type: 'int', value: 7n })], droppedAttributesCount: 2, flags: 0x301 },
      { traceId: '00000000000000000000000000000001', spanId: 'fedcba9876543210', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 },
    ],
    droppedLinksCount: 5,
    status: { code: 2, message: 'it failed' },
    flags: 0xffffffff,
  });
  const kinds = [0, 1, 2, 3, 4, 5] as const;
  const more = kinds.map((k, i) =>
    span({ spanId: `00000000000000${(i + 16).toString(16)}`, kind: k, status: { code: (i % 3) as 0 | 1 | 2, message: '' }, flags: i === 0 ? 0 : 257 }),
  );
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { type: 'string', value: 'checkout' }), kv('host.cpus', { type: 'int', value: 8n })], droppedAttributesCount: 1 },
        schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
        scopeSpans: [
          {
            scope: { name: '@opentelemetry/instrumentation-http', version: '0.45.0', attributes: [kv('scope.attr', { type: 'bool', value: true })], droppedAttributesCount: 2 },
            schemaUrl: 'https://opentelemetry.io/schemas/1.20.0',
            spans: [a, ...more],
          },
          { scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span({ spanId: 'aaaaaaaaaaaaaaaa', name: '' })] },
        ],
      },
      {
        resource: { attributes: [], droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [{ scope: { name: 'bare', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [span({ traceId: 'abcdef0123456789abcdef0123456789' })] }],
      },
    ],
  };
}

// ---- model <-> protobufjs objects (plain field-by-field, independent of our codec) ----

type Obj = Record<string, unknown>;

function anyToPb(v: AnyValue): Obj {
  switch (v.type) {
    case 'string': return { stringValue: v.value };
    case 'bool': return { boolValue: v.value };
    case 'int': return { intValue: v.value.toString() };
    case 'double': return { doubleValue: v.value };
    case 'bytes': return { bytesValue: v.value };
    case 'array': return { arrayValue: { values: v.value.map(anyToPb) } };
    case 'kvlist': return { kvlistValue: { values: v.value.map(kvToPb) } };
    case 'empty': return {};
  }
}

function kvToPb(k: KeyValue): Obj {
  return { key: k.key, value: anyToPb(k.value) };
}

const bytes = (hex: string) => hexToBytes(hex);

/** A protobufjs object for `ExportTraceServiceRequest` (field names as protobufjs camel-cases them). */
export function modelToPb(td: TracesData): Obj {
  return {
    resourceSpans: td.resourceSpans.map((rs) => ({
      resource: { attributes: rs.resource.attributes.map(kvToPb), droppedAttributesCount: rs.resource.droppedAttributesCount },
      schemaUrl: rs.schemaUrl,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        scope: { ...ss.scope, attributes: ss.scope.attributes.map(kvToPb) },
        schemaUrl: ss.schemaUrl,
        spans: ss.spans.map((s) => ({
          traceId: bytes(s.traceId),
          spanId: bytes(s.spanId),
          traceState: s.traceState,
          parentSpanId: bytes(s.parentSpanId),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: s.startTimeUnixNano.toString(),
          endTimeUnixNano: s.endTimeUnixNano.toString(),
          attributes: s.attributes.map(kvToPb),
          droppedAttributesCount: s.droppedAttributesCount,
          events: s.events.map((e) => ({ ...e, timeUnixNano: e.timeUnixNano.toString(), attributes: e.attributes.map(kvToPb) })),
          droppedEventsCount: s.droppedEventsCount,
          links: s.links.map((l) => ({ ...l, traceId: bytes(l.traceId), spanId: bytes(l.spanId), attributes: l.attributes.map(kvToPb) })),
          droppedLinksCount: s.droppedLinksCount,
          status: s.status,
          flags: s.flags,
        })),
      })),
    })),
  };
}

/** Encodes a model with protobufjs and our independent schema. */
export function pbEncode(td: TracesData): Uint8Array {
  const t = pb.request;
  return t.encode(t.fromObject(modelToPb(td))).finish();
}

const toObjectOpts = { longs: String, enums: Number, defaults: true, arrays: true, oneofs: true };

function pbToAny(o: Obj | null | undefined): AnyValue {
  if (o == null) return { type: 'empty' };
  switch (o.value) {
    case 'stringValue': return { type: 'string', value: o.stringValue as string };
    case 'boolValue': return { type: 'bool', value: o.boolValue as boolean };
    case 'intValue': return { type: 'int', value: BigInt(o.intValue as string) };
    case 'doubleValue': return { type: 'double', value: o.doubleValue as number };
    case 'bytesValue': return { type: 'bytes', value: new Uint8Array(o.bytesValue as Uint8Array) };
    case 'arrayValue': return { type: 'array', value: (((o.arrayValue as Obj).values as Obj[]) ?? []).map(pbToAny) };
    case 'kvlistValue': return { type: 'kvlist', value: (((o.kvlistValue as Obj).values as Obj[]) ?? []).map(pbToKv) };
    default: return { type: 'empty' };
  }
}

function pbToKv(o: Obj): KeyValue {
  return { key: o.key as string, value: pbToAny(o.value as Obj | null) };
}

const hex = (b: unknown) => bytesToHex(b as Uint8Array);
const attrs = (l: unknown) => (l as Obj[]).map(pbToKv);

/** Decodes bytes with protobufjs and maps the result onto the model, field by field. */
export function pbDecode(bytes: Uint8Array): TracesData {
  const o = pb.request.toObject(pb.request.decode(bytes), toObjectOpts) as Obj;
  return pbObjectToModel(o);
}

export function pbObjectToModel(o: Obj): TracesData {
  return {
    resourceSpans: (o.resourceSpans as Obj[]).map((rs) => {
      const res = (rs.resource as Obj | null) ?? { attributes: [], droppedAttributesCount: 0 };
      return {
        resource: { attributes: attrs(res.attributes), droppedAttributesCount: res.droppedAttributesCount as number },
        schemaUrl: rs.schemaUrl as string,
        scopeSpans: (rs.scopeSpans as Obj[]).map((ss) => {
          const sc = (ss.scope as Obj | null) ?? { name: '', version: '', attributes: [], droppedAttributesCount: 0 };
          return {
            scope: { name: sc.name as string, version: sc.version as string, attributes: attrs(sc.attributes), droppedAttributesCount: sc.droppedAttributesCount as number },
            schemaUrl: ss.schemaUrl as string,
            spans: (ss.spans as Obj[]).map((s): Span => {
              const st = (s.status as Obj | null) ?? { code: 0, message: '' };
              return {
                traceId: hex(s.traceId),
                spanId: hex(s.spanId),
                parentSpanId: hex(s.parentSpanId),
                traceState: s.traceState as string,
                name: s.name as string,
                kind: s.kind as Span['kind'],
                startTimeUnixNano: BigInt(s.startTimeUnixNano as string),
                endTimeUnixNano: BigInt(s.endTimeUnixNano as string),
                attributes: attrs(s.attributes),
                droppedAttributesCount: s.droppedAttributesCount as number,
                events: (s.events as Obj[]).map((e) => ({
                  timeUnixNano: BigInt(e.timeUnixNano as string),
                  name: e.name as string,
                  attributes: attrs(e.attributes),
                  droppedAttributesCount: e.droppedAttributesCount as number,
                })),
                droppedEventsCount: s.droppedEventsCount as number,
                links: (s.links as Obj[]).map((l) => ({
                  traceId: hex(l.traceId),
                  spanId: hex(l.spanId),
                  traceState: l.traceState as string,
                  attributes: attrs(l.attributes),
                  droppedAttributesCount: l.droppedAttributesCount as number,
                  flags: l.flags as number,
                })),
                droppedLinksCount: s.droppedLinksCount as number,
                status: { code: st.code as Span['status']['code'], message: st.message as string },
                flags: s.flags as number,
              };
            }),
          };
        }),
      };
    }),
  };
}
