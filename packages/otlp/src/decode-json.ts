/**
 * OTLP/JSON decoder: `JSON.parse` plus a lenient walker that emits the span model. Generic
 * proto-JSON parsers get OTLP/JSON wrong (hex ids read as base64), and real senders deviate from
 * the spec in known ways (reference otlp.md §2.3), all accepted here:
 * camelCase or snake_case keys; enums as numbers or names; 64-bit values as strings or numbers
 * (exponent form too); `doubleValue` null/"NaN"/"Infinity"; ids as hex of either case or base64;
 * `instrumentationLibrarySpans`/`instrumentationLibrary` for `scopeSpans`/`scope`; unknown keys
 * ignored. Tempo's `batches` root key is read like `resourceSpans`, so Tempo's own JSON loads too.
 */

import { readAttributes } from './decode-json-values.ts';
import { OtlpDecodeError } from './errors.ts';
import {
  JsonFieldError,
  describe,
  isObject,
  optionalObject,
  pick,
  readArray,
  readEnum,
  readId,
  readInt64,
  readString,
  readUint32,
  within,
} from './json-values.ts';
import {
  spanKindNames,
  statusCodeNames,
  type InstrumentationScope,
  type Resource,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type SpanEvent,
  type SpanKind,
  type SpanLink,
  type SpanStatus,
  type StatusCode,
  type TracesData,
} from './model.ts';

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` (or `TracesData`). Ids come back as lowercase
 * hex of the bytes sent; check them with `validateTracesData`.
 * @throws OtlpDecodeError for invalid JSON or a structural error, with the JSON path of the value.
 */
export function decodeExportRequestJson(text: string): TracesData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new OtlpDecodeError(`invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw new OtlpDecodeError(`request body: expected a JSON object, got ${describe(doc)}`, { path: '' });
  try {
    const key = doc.resourceSpans != null ? 'resourceSpans' : doc.resource_spans != null ? 'resource_spans' : 'batches';
    const list = readArray(doc[key], key);
    const resourceSpans: ResourceSpans[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      try {
        resourceSpans[i] = readResourceSpans(list[i]);
      } catch (e) {
        throw within(e, `${key}[${i}]`);
      }
    }
    return { resourceSpans };
  } catch (e) {
    if (!(e instanceof JsonFieldError)) throw e;
    const path = e.path();
    throw new OtlpDecodeError(`${path}: ${e.detail}`, { path });
  }
}

function object(v: unknown): Record<string, unknown> {
  if (isObject(v)) return v;
  throw new JsonFieldError(`expected an object, got ${describe(v)}`);
}

function readResourceSpans(v: unknown): ResourceSpans {
  const o = object(v);
  const res = optionalObject(o.resource, 'resource');
  // The old name counts only when the new one is absent or empty (the binary field-1000 rule).
  let key = o.scopeSpans != null ? 'scopeSpans' : 'scope_spans';
  let list = readArray(o[key], key);
  if (list.length === 0) {
    const legacy = o.instrumentationLibrarySpans != null ? 'instrumentationLibrarySpans' : 'instrumentation_library_spans';
    const old = readArray(o[legacy], legacy);
    if (old.length > 0) {
      key = legacy;
      list = old;
    }
  }
  const scopeSpans: ScopeSpans[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      scopeSpans[i] = readScopeSpans(list[i]);
    } catch (e) {
      throw within(e, `${key}[${i}]`);
    }
  }
  let resource: Resource;
  try {
    // `schemaUrl` inside `resource` (sent by OTel JS) is not a Resource field: never read.
    resource = {
      attributes: res === undefined ? [] : readAttributes(res.attributes, 'attributes', 0),
      droppedAttributesCount: res === undefined ? 0 : readUint32(pick(res, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
    };
  } catch (e) {
    throw within(e, 'resource');
  }
  return { resource, schemaUrl: readString(pick(o, 'schemaUrl', 'schema_url'), 'schemaUrl'), scopeSpans };
}

function readScopeSpans(v: unknown): ScopeSpans {
  const o = object(v);
  const scopeKey = o.scope != null ? 'scope' : o.instrumentationLibrary != null ? 'instrumentationLibrary' : 'instrumentation_library';
  const sc = optionalObject(o[scopeKey], scopeKey);
  let scope: InstrumentationScope;
  try {
    scope = {
      name: sc === undefined ? '' : readString(sc.name, 'name'),
      version: sc === undefined ? '' : readString(sc.version, 'version'),
      attributes: sc === undefined ? [] : readAttributes(sc.attributes, 'attributes', 0),
      droppedAttributesCount: sc === undefined ? 0 : readUint32(pick(sc, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
    };
  } catch (e) {
    throw within(e, scopeKey);
  }
  const list = readArray(o.spans, 'spans');
  const spans: Span[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      spans[i] = readSpan(list[i]);
    } catch (e) {
      throw within(e, `spans[${i}]`);
    }
  }
  return { scope, schemaUrl: readString(pick(o, 'schemaUrl', 'schema_url'), 'schemaUrl'), spans };
}

function readSpan(v: unknown): Span {
  const o = object(v);
  return {
    traceId: readId(pick(o, 'traceId', 'trace_id'), 'traceId', 16),
    spanId: readId(pick(o, 'spanId', 'span_id'), 'spanId', 8),
    parentSpanId: readId(pick(o, 'parentSpanId', 'parent_span_id'), 'parentSpanId', 8),
    traceState: readString(pick(o, 'traceState', 'trace_state'), 'traceState'),
    name: readString(o.name, 'name'),
    kind: readEnum(o.kind, 'kind', spanKindNames, 'SpanKind') as SpanKind,
    startTimeUnixNano: readInt64(pick(o, 'startTimeUnixNano', 'start_time_unix_nano'), 'startTimeUnixNano', true),
    endTimeUnixNano: readInt64(pick(o, 'endTimeUnixNano', 'end_time_unix_nano'), 'endTimeUnixNano', true),
    attributes: readAttributes(o.attributes, 'attributes', 0),
    droppedAttributesCount: readUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
    events: readEvents(o.events),
    droppedEventsCount: readUint32(pick(o, 'droppedEventsCount', 'dropped_events_count'), 'droppedEventsCount'),
    links: readLinks(o.links),
    droppedLinksCount: readUint32(pick(o, 'droppedLinksCount', 'dropped_links_count'), 'droppedLinksCount'),
    status: readStatus(o.status),
    flags: readUint32(o.flags, 'flags'),
  };
}

function readEvents(v: unknown): SpanEvent[] {
  const list = readArray(v, 'events');
  const out: SpanEvent[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      const o = object(list[i]);
      out[i] = {
        timeUnixNano: readInt64(pick(o, 'timeUnixNano', 'time_unix_nano'), 'timeUnixNano', true),
        name: readString(o.name, 'name'),
        attributes: readAttributes(o.attributes, 'attributes', 0),
        droppedAttributesCount: readUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
      };
    } catch (e) {
      throw within(e, `events[${i}]`);
    }
  }
  return out;
}

function readLinks(v: unknown): SpanLink[] {
  const list = readArray(v, 'links');
  const out: SpanLink[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      const o = object(list[i]);
      out[i] = {
        traceId: readId(pick(o, 'traceId', 'trace_id'), 'traceId', 16),
        spanId: readId(pick(o, 'spanId', 'span_id'), 'spanId', 8),
        traceState: readString(pick(o, 'traceState', 'trace_state'), 'traceState'),
        attributes: readAttributes(o.attributes, 'attributes', 0),
        droppedAttributesCount: readUint32(pick(o, 'droppedAttributesCount', 'dropped_attributes_count'), 'droppedAttributesCount'),
        flags: readUint32(o.flags, 'flags'),
      };
    } catch (e) {
      throw within(e, `links[${i}]`);
    }
  }
  return out;
}

function readStatus(v: unknown): SpanStatus {
  const o = optionalObject(v, 'status');
  if (o === undefined) return { code: 0, message: '' };
  try {
    let code = readEnum(o.code, 'code', statusCodeNames, 'StatusCode') as StatusCode;
    // Proto <= v0.11: with `code` unset, a non-zero (non-OK) deprecated_code meant an error.
    const old = pick(o, 'deprecatedCode', 'deprecated_code');
    const oldIsError = typeof old === 'number' ? old !== 0 : typeof old === 'string' && old !== '0' && old !== 'DEPRECATED_STATUS_CODE_OK';
    if (code === 0 && oldIsError) code = 2;
    return { code, message: readString(o.message, 'message') };
  } catch (e) {
    throw within(e, 'status');
  }
}
