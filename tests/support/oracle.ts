// The test oracle: an independent reading of OTLP (protobufjs over .proto files written from the
// spec's field table) and a canonical form that both what a client sent and what Tracegres
// answers are reduced to, so round-trip tests compare field for field without trusting our codec.
import protobuf from 'protobufjs';

const protoDir = new URL('../../packages/otlp/test/', import.meta.url).pathname;
const root = protobuf.loadSync([`${protoDir}otlp-trace.proto`, `${protoDir}tempo-and-status.proto`]);

export const ExportTraceServiceRequest = root.lookupType('tracegres.test.otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('tracegres.test.otlp.ExportTraceServiceResponse');
export const TracesData = root.lookupType('tracegres.test.otlp.TracesData');
export const TraceByIDResponse = root.lookupType('tracegres.test.misc.TraceByIDResponse');
export const RpcStatus = root.lookupType('tracegres.test.misc.RpcStatus');

const kindNames = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const statusNames = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** One span with its resource and scope folded in; attributes as sorted canonical text. */
export interface CanonSpan {
  resource: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  start: string;
  end: string;
  attributes: string;
  droppedAttributesCount: number;
  events: { time: string; name: string; attributes: string; dropped: number }[];
  droppedEventsCount: number;
  links: { traceId: string; spanId: string; traceState: string; attributes: string; dropped: number; flags: number }[];
  droppedLinksCount: number;
  status: { code: number; message: string };
  flags: number;
}

type Obj = Record<string, any>;

const hexOf = (b: Uint8Array | number[] | undefined) => Buffer.from(b ?? []).toString('hex');
const hexOfB64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('hex');

/** Canonical AnyValue: a tagged string so that int 2 and double 2 differ. */
function canonValue(v: Obj | undefined | null, fromJson: boolean): unknown {
  if (!v) return ['empty'];
  if (v.stringValue !== undefined && v.stringValue !== null) return ['s', v.stringValue];
  if (v.boolValue !== undefined && v.boolValue !== null) return ['b', Boolean(v.boolValue)];
  if (v.intValue !== undefined && v.intValue !== null) return ['i', BigInt(String(v.intValue)).toString()];
  if (v.doubleValue !== undefined && v.doubleValue !== null) {
    const d = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
    return ['d', Object.is(d, -0) ? '-0' : String(d)];
  }
  if (v.bytesValue !== undefined && v.bytesValue !== null) {
    return ['y', fromJson ? hexOfB64(v.bytesValue) : hexOf(v.bytesValue)];
  }
  if (v.arrayValue) return ['a', (v.arrayValue.values ?? []).map((x: Obj) => canonValue(x, fromJson))];
  if (v.kvlistValue) return ['k', canonAttrs(v.kvlistValue.values ?? [], fromJson)];
  return ['empty'];
}

/** Attributes as a map (OTLP keys are unique; last wins), sorted by key. */
function canonAttrs(kvs: Obj[] | undefined, fromJson: boolean): string {
  const m = new Map<string, unknown>();
  for (const kv of kvs ?? []) m.set(kv.key, canonValue(kv.value, fromJson));
  return JSON.stringify([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

function canonResourceSpans(rss: Obj[], fromJson: boolean): CanonSpan[] {
  const id = fromJson ? hexOfB64 : hexOf;
  const enumNum = (v: unknown, names: string[]) => (typeof v === 'string' ? names.indexOf(v) : Number(v ?? 0));
  const out: CanonSpan[] = [];
  for (const rs of rss) {
    const resource = JSON.stringify([
      canonAttrs(rs.resource?.attributes, fromJson),
      rs.resource?.droppedAttributesCount ?? 0,
      rs.schemaUrl ?? '',
    ]);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = JSON.stringify([
        ss.scope?.name ?? '',
        ss.scope?.version ?? '',
        canonAttrs(ss.scope?.attributes, fromJson),
        ss.scope?.droppedAttributesCount ?? 0,
        ss.schemaUrl ?? '',
      ]);
      for (const s of ss.spans ?? []) {
        out.push({
          resource,
          scope,
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          parentSpanId: id(s.parentSpanId),
          traceState: s.traceState ?? '',
          name: s.name ?? '',
          kind: enumNum(s.kind, kindNames),
          start: String(s.startTimeUnixNano ?? '0'),
          end: String(s.endTimeUnixNano ?? '0'),
          attributes: canonAttrs(s.attributes, fromJson),
          droppedAttributesCount: s.droppedAttributesCount ?? 0,
          events: (s.events ?? []).map((e: Obj) => ({
            time: String(e.timeUnixNano ?? '0'),
            name: e.name ?? '',
            attributes: canonAttrs(e.attributes, fromJson),
            dropped: e.droppedAttributesCount ?? 0,
          })),
          droppedEventsCount: s.droppedEventsCount ?? 0,
          links: (s.links ?? []).map((l: Obj) => ({
            traceId: id(l.traceId),
            spanId: id(l.spanId),
            traceState: l.traceState ?? '',
            attributes: canonAttrs(l.attributes, fromJson),
            dropped: l.droppedAttributesCount ?? 0,
            flags: l.flags ?? 0,
          })),
          droppedLinksCount: s.droppedLinksCount ?? 0,
          status: { code: enumNum(s.status?.code, statusNames), message: s.status?.message ?? '' },
          flags: s.flags ?? 0,
        });
      }
    }
  }
  return out.sort((a, b) => (a.traceId + a.spanId < b.traceId + b.spanId ? -1 : 1));
}

const toObjectOpts = { longs: String, enums: Number, bytes: Array, defaults: false, arrays: true } as const;

/** Canonical spans of protobuf bytes holding ExportTraceServiceRequest / TracesData / tempopb.Trace. */
export function canonFromProto(bytes: Uint8Array): CanonSpan[] {
  const msg = TracesData.toObject(TracesData.decode(bytes), toObjectOpts);
  return canonResourceSpans(msg.resourceSpans ?? [], false);
}

/** Canonical spans of a tempopb.TraceByIDResponse. */
export function canonFromTraceByIdProto(bytes: Uint8Array): { spans: CanonSpan[]; inspectedBytes: string; status: number } {
  const msg = TraceByIDResponse.toObject(TraceByIDResponse.decode(bytes), toObjectOpts);
  return {
    spans: canonResourceSpans(msg.trace?.resourceSpans ?? [], false),
    inspectedBytes: String(msg.metrics?.inspectedBytes ?? '0'),
    status: msg.status ?? 0,
  };
}

/** Canonical spans of Tempo's jsonpb JSON (`batches` or `resourceSpans`). */
export function canonFromTempoJson(body: Obj): CanonSpan[] {
  return canonResourceSpans(body.batches ?? body.resourceSpans ?? body.trace?.resourceSpans ?? [], true);
}

/** Canonical spans of an OTLP/JSON export request (hex ids, numeric enums). */
export function canonFromOtlpJson(body: Obj): CanonSpan[] {
  const hexToB64 = (h: string | undefined) => Buffer.from(h ?? '', 'hex').toString('base64');
  const fix = (rss: Obj[]) =>
    rss.map((rs) => ({
      ...rs,
      scopeSpans: (rs.scopeSpans ?? []).map((ss: Obj) => ({
        ...ss,
        spans: (ss.spans ?? []).map((s: Obj) => ({
          ...s,
          traceId: hexToB64(s.traceId),
          spanId: hexToB64(s.spanId),
          parentSpanId: hexToB64(s.parentSpanId),
          links: (s.links ?? []).map((l: Obj) => ({ ...l, traceId: hexToB64(l.traceId), spanId: hexToB64(l.spanId) })),
        })),
      })),
    }));
  return canonResourceSpans(fix(body.resourceSpans ?? []), true);
}

export { kindNames, statusNames };
