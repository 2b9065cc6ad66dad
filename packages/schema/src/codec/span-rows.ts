import type { InstrumentationScope, KeyValue, Resource, ResourceSpans, Span, TracesData } from '@tracegres/otlp';
import { hash64 } from '../hash.ts';
import { decodeAttrs, encodeAttrs, jsonString, nodeToKeyValues } from './attr-json.ts';
import { JsonNum, type JsonNode, type JsonObject, parseJsonNodes } from './json-nodes.ts';
import { textColumn } from './text.ts';

/** Column arrays for one `INSERT ... SELECT FROM unnest(...)` of spans (one parameter per column). */
export interface SpanColumns {
  tenantId: number[];
  traceId: string[];
  spanId: string[];
  parentSpanId: (string | null)[];
  startNs: string[];
  durationNs: string[];
  name: string[];
  kind: number[];
  statusCode: number[];
  statusMessage: (string | null)[];
  traceState: (string | null)[];
  flags: number[];
  serviceName: string[];
  resourceId: string[];
  scopeId: string[];
  attrs: (string | null)[];
  events: (string | null)[];
  links: (string | null)[];
  droppedAttributesCount: number[];
  droppedEventsCount: number[];
  droppedLinksCount: number[];
}

export interface ResourceRow {
  tenantId: number;
  resourceId: string;
  serviceName: string;
  attrs: string | null;
  droppedAttributesCount: number;
  schemaUrl: string | null;
}

export interface ScopeRow {
  tenantId: number;
  scopeId: string;
  name: string;
  version: string | null;
  attrs: string | null;
  droppedAttributesCount: number;
  schemaUrl: string | null;
}

/** A span flattened with the ids of its resource and scope, ready to become a row. */
export interface FlatSpan {
  tenantId: number;
  span: Span;
  serviceName: string;
  resourceId: string;
  scopeId: string;
}

/** OTel's default when a resource carries no `service.name`. */
export const UNKNOWN_SERVICE = 'unknown_service';

export function serviceNameOf(resource: Resource): string {
  for (let i = resource.attributes.length - 1; i >= 0; i--) {
    const kv = resource.attributes[i];
    if (kv.key === 'service.name' && kv.value.type === 'string') return kv.value.value;
  }
  return UNKNOWN_SERVICE;
}

/** A canonical text for hashing: attribute order must not create a second resource. */
function canonicalAttrs(kvs: readonly KeyValue[]): string {
  return encodeAttrs([...kvs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) ?? '';
}

export function resourceRowOf(tenantId: number, rs: ResourceSpans): ResourceRow {
  const attrs = encodeAttrs(rs.resource.attributes);
  const key = `r|${canonicalAttrs(rs.resource.attributes)}|${rs.resource.droppedAttributesCount}|${rs.schemaUrl}`;
  return {
    tenantId,
    resourceId: hash64(key),
    serviceName: textColumn(serviceNameOf(rs.resource)),
    attrs,
    droppedAttributesCount: rs.resource.droppedAttributesCount | 0,
    schemaUrl: rs.schemaUrl || null,
  };
}

export function scopeRowOf(tenantId: number, scope: InstrumentationScope, schemaUrl: string): ScopeRow {
  const key = `s|${scope.name}|${scope.version}|${canonicalAttrs(scope.attributes)}|${scope.droppedAttributesCount}|${schemaUrl}`;
  return {
    tenantId,
    scopeId: hash64(key),
    name: textColumn(scope.name),
    version: scope.version ? textColumn(scope.version) : null,
    attrs: encodeAttrs(scope.attributes),
    droppedAttributesCount: scope.droppedAttributesCount | 0,
    schemaUrl: schemaUrl || null,
  };
}

export function emptyColumns(): SpanColumns {
  return {
    tenantId: [], traceId: [], spanId: [], parentSpanId: [], startNs: [], durationNs: [], name: [], kind: [],
    statusCode: [], statusMessage: [], traceState: [], flags: [], serviceName: [], resourceId: [], scopeId: [],
    attrs: [], events: [], links: [], droppedAttributesCount: [], droppedEventsCount: [], droppedLinksCount: [],
  };
}

/** Appends one span to the column arrays. */
export function pushSpan(c: SpanColumns, f: FlatSpan): void {
  const s = f.span;
  c.tenantId.push(f.tenantId);
  c.traceId.push(s.traceId);
  c.spanId.push('\\x' + s.spanId);
  c.parentSpanId.push(s.parentSpanId ? '\\x' + s.parentSpanId : null);
  c.startNs.push(s.startTimeUnixNano.toString());
  c.durationNs.push((s.endTimeUnixNano - s.startTimeUnixNano).toString());
  c.name.push(textColumn(s.name));
  c.kind.push(s.kind);
  c.statusCode.push(s.status.code);
  c.statusMessage.push(s.status.message ? textColumn(s.status.message) : null);
  c.traceState.push(s.traceState ? textColumn(s.traceState) : null);
  c.flags.push(s.flags | 0);
  c.serviceName.push(f.serviceName);
  c.resourceId.push(f.resourceId);
  c.scopeId.push(f.scopeId);
  c.attrs.push(encodeAttrs(s.attributes));
  c.events.push(encodeEvents(s));
  c.links.push(encodeLinks(s));
  c.droppedAttributesCount.push(s.droppedAttributesCount | 0);
  c.droppedEventsCount.push(s.droppedEventsCount | 0);
  c.droppedLinksCount.push(s.droppedLinksCount | 0);
}

/** Column order of `spanCopyLine`, for `COPY spans (...) FROM STDIN`. */
export const SPAN_COPY_COLUMNS =
  'tenant_id, trace_id, span_id, parent_span_id, start_ns, duration_ns, name, kind, status_code, status_message, ' +
  'trace_state, flags, service_name, resource_id, scope_id, attrs, events, links, ' +
  'dropped_attributes_count, dropped_events_count, dropped_links_count';

/** One span as a line of COPY's text format (same values as `pushSpan`). */
export function spanCopyLine(f: FlatSpan): string {
  const s = f.span;
  return (
    f.tenantId + '\t' +
    s.traceId + '\t' +
    '\\\\x' + s.spanId + '\t' +
    (s.parentSpanId ? '\\\\x' + s.parentSpanId : '\\N') + '\t' +
    s.startTimeUnixNano + '\t' +
    (s.endTimeUnixNano - s.startTimeUnixNano) + '\t' +
    copyText(textColumn(s.name)) + '\t' +
    s.kind + '\t' +
    s.status.code + '\t' +
    (s.status.message ? copyText(textColumn(s.status.message)) : '\\N') + '\t' +
    (s.traceState ? copyText(textColumn(s.traceState)) : '\\N') + '\t' +
    (s.flags | 0) + '\t' +
    copyText(f.serviceName) + '\t' +
    f.resourceId + '\t' +
    f.scopeId + '\t' +
    copyNullable(encodeAttrs(s.attributes)) + '\t' +
    copyNullable(encodeEvents(s)) + '\t' +
    copyNullable(encodeLinks(s)) + '\t' +
    (s.droppedAttributesCount | 0) + '\t' +
    (s.droppedEventsCount | 0) + '\t' +
    (s.droppedLinksCount | 0) + '\n'
  );
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes a value for COPY's text format (backslash, tab, newline, carriage return). */
export function copyText(v: string): string {
  return COPY_SPECIAL.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : v;
}

function copyNullable(v: string | null): string {
  return v === null ? '\\N' : copyText(v);
}

/** Events inline: `[{"t":<ns after span start>,"n":name,"a":{attrs},"d":dropped}]`. */
function encodeEvents(s: Span): string | null {
  if (s.events.length === 0) return null;
  const parts = s.events.map((e) => {
    let o = `{"t":${(e.timeUnixNano - s.startTimeUnixNano).toString()},"n":${jsonString(textColumn(e.name))}`;
    const a = encodeAttrs(e.attributes);
    if (a) o += `,"a":${a}`;
    if (e.droppedAttributesCount) o += `,"d":${e.droppedAttributesCount >>> 0}`;
    return o + '}';
  });
  return '[' + parts.join(',') + ']';
}

/** Links inline: `[{"t":traceHex,"s":spanHex,"ts":state,"a":{attrs},"d":dropped,"f":flags}]`. */
function encodeLinks(s: Span): string | null {
  if (s.links.length === 0) return null;
  const parts = s.links.map((l) => {
    let o = `{"t":"${l.traceId}","s":"${l.spanId}"`;
    if (l.traceState) o += `,"ts":${jsonString(textColumn(l.traceState))}`;
    const a = encodeAttrs(l.attributes);
    if (a) o += `,"a":${a}`;
    if (l.droppedAttributesCount) o += `,"d":${l.droppedAttributesCount >>> 0}`;
    if (l.flags) o += `,"f":${l.flags >>> 0}`;
    return o + '}';
  });
  return '[' + parts.join(',') + ']';
}

export { textColumn } from './text.ts';

/** A stored span as the trace reader selects it (int8 as text, bytea as hex). */
export interface StoredSpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  start_ns: string;
  duration_ns: string;
  name: string;
  kind: number;
  status_code: number;
  status_message: string | null;
  trace_state: string | null;
  flags: number;
  resource_id: string;
  scope_id: string;
  attrs: string | null;
  events: string | null;
  links: string | null;
  dropped_attributes_count: number;
  dropped_events_count: number;
  dropped_links_count: number;
}

export interface StoredResourceRow {
  resource_id: string;
  attrs: string | null;
  dropped_attributes_count: number;
  schema_url: string | null;
}

export interface StoredScopeRow {
  scope_id: string;
  name: string;
  version: string | null;
  attrs: string | null;
  dropped_attributes_count: number;
  schema_url: string | null;
}

/** Rebuilds one OTLP span from its row. */
export function spanFromRow(r: StoredSpanRow): Span {
  const span = spanWithoutAttrs(r);
  span.attributes = decodeAttrs(r.attrs);
  return span;
}

/** A span from its row with empty attributes: the protobuf writer streams those from the JSON. */
export function spanWithoutAttrs(r: StoredSpanRow): Span {
  const start = BigInt(r.start_ns);
  return {
    traceId: r.trace_id.replaceAll('-', ''),
    spanId: r.span_id,
    parentSpanId: r.parent_span_id ?? '',
    traceState: r.trace_state ?? '',
    name: r.name,
    kind: r.kind as Span['kind'],
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(r.duration_ns),
    attributes: [],
    droppedAttributesCount: r.dropped_attributes_count >>> 0,
    events: r.events ? (parseJsonNodes(r.events) as JsonNode[]).map((n) => eventFromNode(n as JsonObject, start)) : [],
    droppedEventsCount: r.dropped_events_count >>> 0,
    links: r.links ? (parseJsonNodes(r.links) as JsonNode[]).map((n) => linkFromNode(n as JsonObject)) : [],
    droppedLinksCount: r.dropped_links_count >>> 0,
    status: { code: r.status_code as Span['status']['code'], message: r.status_message ?? '' },
    flags: r.flags >>> 0,
  };
}

function field(o: JsonObject, key: string): JsonNode | undefined {
  for (const [k, v] of o.entries) if (k === key) return v;
  return undefined;
}

function eventFromNode(o: JsonObject, start: bigint): Span['events'][number] {
  const a = field(o, 'a');
  return {
    timeUnixNano: start + (field(o, 't') as JsonNum).toBigInt(),
    name: field(o, 'n') as string,
    attributes: a ? nodeToKeyValues(a) : [],
    droppedAttributesCount: ((field(o, 'd') as JsonNum | undefined)?.toNumber() ?? 0) >>> 0,
  };
}

function linkFromNode(o: JsonObject): Span['links'][number] {
  const a = field(o, 'a');
  return {
    traceId: field(o, 't') as string,
    spanId: field(o, 's') as string,
    traceState: (field(o, 'ts') as string | undefined) ?? '',
    attributes: a ? nodeToKeyValues(a) : [],
    droppedAttributesCount: ((field(o, 'd') as JsonNum | undefined)?.toNumber() ?? 0) >>> 0,
    flags: ((field(o, 'f') as JsonNum | undefined)?.toNumber() ?? 0) >>> 0,
  };
}

/** Stored spans grouped by resource, then scope, each in the order it first appears among the rows. */
export interface RowGroup {
  resource: StoredResourceRow | undefined;
  scopes: { scope: StoredScopeRow | undefined; rows: StoredSpanRow[] }[];
}

/** Groups (start-ordered) stored spans by resource and scope, as both trace writers need them. */
export function groupRows(
  rows: readonly StoredSpanRow[],
  resources: readonly StoredResourceRow[],
  scopes: readonly StoredScopeRow[],
): RowGroup[] {
  const resById = new Map(resources.map((r) => [r.resource_id, r]));
  const scopeById = new Map(scopes.map((s) => [s.scope_id, s]));
  const byResource = new Map<string, { group: RowGroup; byScope: Map<string, StoredSpanRow[]> }>();
  for (const row of rows) {
    let entry = byResource.get(row.resource_id);
    if (!entry) {
      entry = { group: { resource: resById.get(row.resource_id), scopes: [] }, byScope: new Map() };
      byResource.set(row.resource_id, entry);
    }
    let list = entry.byScope.get(row.scope_id);
    if (!list) {
      list = [];
      entry.byScope.set(row.scope_id, list);
      entry.group.scopes.push({ scope: scopeById.get(row.scope_id), rows: list });
    }
    list.push(row);
  }
  return [...byResource.values()].map((e) => e.group);
}

/** Groups stored spans back into resource -> scope -> spans (see `groupRows`). */
export function assembleTrace(
  rows: readonly StoredSpanRow[],
  resources: readonly StoredResourceRow[],
  scopes: readonly StoredScopeRow[],
): TracesData {
  return {
    resourceSpans: groupRows(rows, resources, scopes).map(({ resource: res, scopes: groups }) => ({
      resource: { attributes: decodeAttrs(res?.attrs), droppedAttributesCount: (res?.dropped_attributes_count ?? 0) >>> 0 },
      schemaUrl: res?.schema_url ?? '',
      scopeSpans: groups.map(({ scope: sc, rows: list }) => ({
        scope: {
          name: sc?.name ?? '',
          version: sc?.version ?? '',
          attributes: decodeAttrs(sc?.attrs),
          droppedAttributesCount: (sc?.dropped_attributes_count ?? 0) >>> 0,
        },
        schemaUrl: sc?.schema_url ?? '',
        spans: list.map(spanFromRow),
      })),
    })),
  };
}
