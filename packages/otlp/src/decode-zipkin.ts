/**
 * Zipkin v2 JSON (`POST /api/v2/spans`, a list of spans) into the OTLP model, mapped as the
 * OpenTelemetry Collector's Zipkin receiver maps it (reference otlp.md §8.1): 64-bit trace ids
 * zero-extended, kinds 1:1, endpoints to resource/peer attributes, annotations to events, string
 * tags to string attributes, and the tags the OTel Zipkin exporter uses to carry OTLP fields
 * (status, scope, trace state, links) back into those fields.
 */
import { OtlpDecodeError } from './errors.ts';
import type { AnyValue, KeyValue, ResourceSpans, Span, SpanEvent, SpanLink, TracesData } from './model.ts';

const KINDS: Record<string, Span['kind']> = { CLIENT: 3, SERVER: 2, PRODUCER: 4, CONSUMER: 5 };
const STATUS: Record<string, 0 | 1 | 2> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2, UNSET: 0, OK: 1, ERROR: 2 };
/** Tags naming resource attributes (semantic-convention resource namespaces) move to the resource. */
const RESOURCE_TAG = /^(service|telemetry|host|os|process|container|k8s|cloud|faas|device|deployment|webengine)\./;
const NO_SERVICE = 'unknown_service';

const fail = (path: string, msg: string): never => {
  throw new OtlpDecodeError(`${path}: ${msg}`);
};

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: string): AnyValue => ({ type: 'string', value: v });

/** Decodes a Zipkin v2 JSON body. Throws OtlpDecodeError naming the field that is wrong. */
export function decodeZipkinJson(text: string): TracesData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(doc)) fail('body', `expected a JSON array of Zipkin v2 spans, got ${typeof doc === 'object' ? (doc === null ? 'null' : 'an object') : typeof doc}`);
  const groups = new Map<string, { rs: ResourceSpans; spans: Span[] }>();
  (doc as unknown[]).forEach((raw, i) => {
    const path = `[${i}]`;
    if (!isObj(raw)) fail(path, 'expected a span object');
    const z = raw as Record<string, unknown>;
    const tags = readTags(z.tags, `${path}.tags`);
    const local = endpoint(z.localEndpoint, `${path}.localEndpoint`);
    const service = local.serviceName || NO_SERVICE;
    const lib = tags.get('otel.library.name') ?? tags.get('otel.scope.name') ?? '';
    const key = `${service}\u0000${lib}`;
    let g = groups.get(key);
    if (!g) {
      g = { rs: resourceOf(service, tags, lib), spans: [] };
      groups.set(key, g);
    }
    g.spans.push(spanOf(z, tags, local, path));
  });
  return { resourceSpans: [...groups.values()].map((g) => ({ ...g.rs, scopeSpans: [{ ...g.rs.scopeSpans[0], spans: g.spans }] })) };
}

interface Endpoint {
  serviceName: string;
  ipv4: string;
  ipv6: string;
  port: number;
}

function endpoint(v: unknown, path: string): Endpoint {
  if (v === undefined || v === null) return { serviceName: '', ipv4: '', ipv6: '', port: 0 };
  if (!isObj(v)) fail(path, 'expected an endpoint object');
  const e = v as Record<string, unknown>;
  const text = (k: string) => {
    const x = e[k];
    if (x === undefined || x === null) return '';
    if (typeof x !== 'string') fail(`${path}.${k}`, `expected a string, got ${JSON.stringify(x)}`);
    return x as string;
  };
  const port = e.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) fail(`${path}.port`, `expected a port number, got ${JSON.stringify(port)}`);
  return { serviceName: text('serviceName'), ipv4: text('ipv4'), ipv6: text('ipv6'), port: port as number };
}

function readTags(v: unknown, path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (v === undefined || v === null) return out;
  if (!isObj(v)) fail(path, 'expected an object of string values');
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    // Zipkin tags are strings; some senders write numbers and booleans bare.
    if (typeof x === 'string') out.set(k, x);
    else if (typeof x === 'number' || typeof x === 'boolean') out.set(k, String(x));
    else fail(`${path}.${k}`, `expected a string, got ${JSON.stringify(x)}`);
  }
  return out;
}

function resourceOf(service: string, tags: Map<string, string>, lib: string): ResourceSpans {
  const attrs: KeyValue[] = [];
  const source = tags.get('otlp.service.name.source');
  if (service !== NO_SERVICE) attrs.push({ key: source || 'service.name', value: str(service) });
  for (const [k, v] of tags) if (RESOURCE_TAG.test(k) && k !== 'service.name' && !attrs.some((a) => a.key === k)) attrs.push({ key: k, value: str(v) });
  const version = lib ? (tags.get('otel.library.version') ?? tags.get('otel.scope.version') ?? '') : '';
  return {
    resource: { attributes: attrs, droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeSpans: [{ scope: { name: lib, version, attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [] }],
  };
}

function hexId(v: unknown, path: string, lengths: number[]): string {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]+$/.test(v) || !lengths.includes(v.length)) {
    fail(path, `expected ${lengths.join(' or ')} hex characters, got ${JSON.stringify(v)}`);
  }
  return (v as string).toLowerCase();
}

function micros(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return -1n;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(path, `expected a non-negative integer of microseconds, got ${JSON.stringify(v)}`);
  return BigInt(v as number) * 1000n;
}

function spanOf(z: Record<string, unknown>, tags: Map<string, string>, local: Endpoint, path: string): Span {
  const traceId = hexId(z.traceId, `${path}.traceId`, [16, 32]).padStart(32, '0');
  const spanId = hexId(z.id, `${path}.id`, [16]);
  const parent = z.parentId === undefined || z.parentId === null ? '' : hexId(z.parentId, `${path}.parentId`, [16]);
  if (z.name !== undefined && z.name !== null && typeof z.name !== 'string') fail(`${path}.name`, `expected a string, got ${JSON.stringify(z.name)}`);
  if (z.kind !== undefined && z.kind !== null && (typeof z.kind !== 'string' || !(z.kind in KINDS))) {
    fail(`${path}.kind`, `expected CLIENT, SERVER, PRODUCER or CONSUMER, got ${JSON.stringify(z.kind)}`);
  }
  const ts = micros(z.timestamp, `${path}.timestamp`);
  const dur = micros(z.duration, `${path}.duration`);
  const remote = endpoint(z.remoteEndpoint, `${path}.remoteEndpoint`);

  const t = new Map(tags);
  let kind: Span['kind'] = z.kind ? KINDS[z.kind as string] : 0;
  if (!z.kind && t.has('span.kind')) {
    if (t.get('span.kind') === 'internal') kind = 1;
    t.delete('span.kind');
  }
  const traceState = t.get('w3c.tracestate') ?? '';
  t.delete('w3c.tracestate');
  const status: Span['status'] = { code: 0, message: '' };
  if (t.has('otel.status_code')) {
    status.code = STATUS[t.get('otel.status_code')!] ?? 0;
    status.message = t.get('otel.status_description') ?? '';
    t.delete('otel.status_code');
    t.delete('otel.status_description');
  }
  // Zipkin counts any `error` tag as a failure; Brave puts the message there.
  const error = t.get('error');
  if (error !== undefined) {
    status.code = 2;
    if (error !== 'true' && error !== '' && !status.message) status.message = error;
    t.delete('error');
  }
  const links: SpanLink[] = [];
  for (let i = 0; t.has(`otlp.link.${i}`); i++) {
    const l = linkOf(t.get(`otlp.link.${i}`)!, `${path}.tags.otlp.link.${i}`);
    if (l) links.push(l);
    t.delete(`otlp.link.${i}`);
  }

  const attributes: KeyValue[] = [];
  for (const [k, v] of t) {
    if (RESOURCE_TAG.test(k) || k === 'otlp.service.name.source' || /^otel\.(library|scope)\.(name|version)$/.test(k)) continue;
    attributes.push({ key: k, value: str(v) });
  }
  const ip = local.ipv6 || local.ipv4;
  if (ip) attributes.push({ key: 'net.host.ip', value: str(ip) });
  if (local.port) attributes.push({ key: 'net.host.port', value: { type: 'int', value: BigInt(local.port) } });
  if (remote.serviceName) attributes.push({ key: 'peer.service', value: str(remote.serviceName) });
  const peerIp = remote.ipv6 || remote.ipv4;
  if (peerIp) attributes.push({ key: 'net.peer.ip', value: str(peerIp) });
  if (remote.port) attributes.push({ key: 'net.peer.port', value: { type: 'int', value: BigInt(remote.port) } });

  let start = ts;
  if (ts < 0n) {
    // Zipkin allows a span without a timestamp; OTLP needs one: the epoch, flagged.
    start = 0n;
    attributes.push({ key: 'otel.zipkin.absentField.startTime', value: { type: 'bool', value: true } });
  }
  return {
    traceId,
    spanId,
    parentSpanId: parent === spanId ? '' : parent,
    traceState,
    name: (z.name as string | undefined) ?? '',
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: start + (dur < 0n ? 0n : dur),
    attributes,
    droppedAttributesCount: 0,
    events: annotations(z.annotations, `${path}.annotations`),
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    status,
    flags: 0,
  };
}

function annotations(v: unknown, path: string): SpanEvent[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, 'expected an array of {timestamp, value}');
  return (v as unknown[]).map((a, i) => {
    if (!isObj(a) || typeof a.value !== 'string') fail(`${path}[${i}]`, 'expected {timestamp, value} with a string value');
    const ann = a as { timestamp?: unknown; value: string };
    const time = micros(ann.timestamp, `${path}[${i}].timestamp`);
    // The OTel Zipkin exporter writes `name|{json attributes}|dropped count`.
    const parts = ann.value.split('|');
    const event: SpanEvent = { timeUnixNano: time < 0n ? 0n : time, name: parts[0], attributes: [], droppedAttributesCount: 0 };
    if (parts.length >= 3) {
      const attrs = jsonAttrs(parts.slice(1, -1).join('|'));
      const dropped = Number(parts[parts.length - 1]);
      if (attrs && Number.isInteger(dropped) && dropped >= 0) {
        event.attributes = attrs;
        event.droppedAttributesCount = dropped;
      } else event.name = ann.value;
    }
    return event;
  });
}

/** `traceid|spanid|tracestate|{json attributes}|dropped`, as the OTel Zipkin exporter writes links. */
function linkOf(v: string, path: string): SpanLink | null {
  const parts = v.split('|');
  if (parts.length < 5) return null;
  const traceId = parts[0].replace(/"/g, '').toLowerCase();
  const spanId = parts[1].replace(/"/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(traceId) || !/^[0-9a-f]{16}$/.test(spanId)) fail(path, `expected trace and span ids in hex, got ${JSON.stringify(v.slice(0, 80))}`);
  const attrs = jsonAttrs(parts.slice(3, -1).join('|'));
  if (!attrs) fail(path, 'expected a JSON object of link attributes');
  const dropped = Number(parts[parts.length - 1]);
  return { traceId, spanId, traceState: parts[2], attributes: attrs!, droppedAttributesCount: Number.isInteger(dropped) && dropped >= 0 ? dropped : 0, flags: 0 };
}

function jsonAttrs(text: string): KeyValue[] | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(o)) return null;
  const out: KeyValue[] = [];
  for (const [k, x] of Object.entries(o)) {
    if (typeof x === 'string') out.push({ key: k, value: str(x) });
    else if (typeof x === 'boolean') out.push({ key: k, value: { type: 'bool', value: x } });
    else if (typeof x === 'number') out.push({ key: k, value: Number.isInteger(x) ? { type: 'int', value: BigInt(x) } : { type: 'double', value: x } });
  }
  return out;
}
