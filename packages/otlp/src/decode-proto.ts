/**
 * Hand-written decoder for `ExportTraceServiceRequest` (= `TracesData` = Tempo's `Trace`) that
 * emits the span model directly: hex ids, bigint times, no Long/Buffer objects and no toObject
 * pass. Field numbers follow opentelemetry-proto v1.11 (reference otlp.md §3).
 *
 * Each `read*` function is called with the reader already narrowed to its message and reads up
 * to `r.end`. Tags are matched whole (`field << 3 | wireType`), so a known field arriving with an
 * unexpected wire type falls to `default` and is skipped like an unknown field, as protobuf-go does.
 */

import type {
  InstrumentationScope,
  KeyValue,
  Resource,
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
  StatusCode,
  TracesData,
} from './model.ts';
import { readAttribute } from './decode-proto-values.ts';
import { ProtoReader, type FieldNames } from './proto-reader.ts';

const fieldNames: FieldNames = {
  ExportTraceServiceRequest: { 1: 'resource_spans' },
  ResourceSpans: { 1: 'resource', 2: 'scope_spans', 3: 'schema_url', 1000: 'instrumentation_library_spans' },
  Resource: { 1: 'attributes', 2: 'dropped_attributes_count', 3: 'entity_refs' },
  ScopeSpans: { 1: 'scope', 2: 'spans', 3: 'schema_url' },
  InstrumentationScope: { 1: 'name', 2: 'version', 3: 'attributes', 4: 'dropped_attributes_count' },
  Span: {
    1: 'trace_id', 2: 'span_id', 3: 'trace_state', 4: 'parent_span_id', 5: 'name', 6: 'kind',
    7: 'start_time_unix_nano', 8: 'end_time_unix_nano', 9: 'attributes', 10: 'dropped_attributes_count',
    11: 'events', 12: 'dropped_events_count', 13: 'links', 14: 'dropped_links_count', 15: 'status', 16: 'flags',
  },
  'Span.Event': { 1: 'time_unix_nano', 2: 'name', 3: 'attributes', 4: 'dropped_attributes_count' },
  'Span.Link': { 1: 'trace_id', 2: 'span_id', 3: 'trace_state', 4: 'attributes', 5: 'dropped_attributes_count', 6: 'flags' },
  Status: { 1: 'deprecated_code', 2: 'message', 3: 'code' },
  KeyValue: { 1: 'key', 2: 'value', 3: 'key_strindex' },
  AnyValue: {
    1: 'string_value', 2: 'bool_value', 3: 'int_value', 4: 'double_value', 5: 'array_value',
    6: 'kvlist_value', 7: 'bytes_value', 8: 'string_value_strindex',
  },
  ArrayValue: { 1: 'values' },
  KeyValueList: { 1: 'values' },
};

/**
 * Decodes a binary OTLP `ExportTraceServiceRequest` (also `TracesData` and Tempo's `Trace`, which
 * share its layout). Ids are returned as hex of whatever bytes arrived; check them with
 * `validateTracesData`.
 * @throws OtlpDecodeError on truncated or malformed input, naming the field and byte offset.
 */
export function decodeExportRequestProto(bytes: Uint8Array, opts: DecodeOptions = {}): TracesData {
  const r = new ProtoReader(bytes, 'ExportTraceServiceRequest', fieldNames);
  const resourceSpans: ResourceSpans[] = [];
  lazySpanAttributes = opts.lazySpanAttributes === true;
  try {
    while (r.pos < r.end) {
      const t = r.tag();
      if (t === 10) {
        const e = r.enter('ResourceSpans');
        resourceSpans.push(readResourceSpans(r));
        r.leave(e, 'ExportTraceServiceRequest');
      } else r.skip(t);
    }
  } finally {
    lazySpanAttributes = false;
  }
  return { resourceSpans };
}

export interface DecodeOptions {
  /**
   * Leave each span's attributes undecoded until `span.attributes` is first read. For readers of
   * whole stored traces (the trace page): a 50,000-span trace carries about a million attributes,
   * and the waterfall shows the attributes of one span at a time.
   */
  lazySpanAttributes?: boolean;
}

// Decoding is synchronous, so the option of the call in progress can live here rather than be
// threaded through every read function.
let lazySpanAttributes = false;

/** Makes `span.attributes` decode the KeyValues at `starts` (their length prefixes) on first read. */
function defineLazyAttributes(span: Span, buf: Uint8Array, starts: number[]): void {
  Object.defineProperty(span, 'attributes', {
    configurable: true,
    enumerable: true,
    get(): KeyValue[] {
      const list: KeyValue[] = [];
      const r = new ProtoReader(buf, 'Span', fieldNames);
      for (const start of starts) {
        r.pos = start;
        readAttribute(r, list, 'Span');
      }
      Object.defineProperty(span, 'attributes', { value: list, writable: true, configurable: true, enumerable: true });
      return list;
    },
    set(value: KeyValue[]) {
      Object.defineProperty(span, 'attributes', { value, writable: true, configurable: true, enumerable: true });
    },
  });
}

function readResourceSpans(r: ProtoReader): ResourceSpans {
  const rs: ResourceSpans = {
    resource: { attributes: [], droppedAttributesCount: 0 },
    schemaUrl: '',
    scopeSpans: [],
  };
  // Field 1000: `instrumentation_library_spans` of proto v0.15-v0.18, same layout as ScopeSpans.
  let legacy: ScopeSpans[] | undefined;
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 10: {
        const e = r.enter('Resource');
        readResource(r, rs.resource);
        r.leave(e, 'ResourceSpans');
        break;
      }
      case 18: {
        const e = r.enter('ScopeSpans');
        rs.scopeSpans.push(readScopeSpans(r));
        r.leave(e, 'ResourceSpans');
        break;
      }
      case 26:
        rs.schemaUrl = r.string();
        break;
      case 8002: {
        const e = r.enter('ScopeSpans');
        (legacy ??= []).push(readScopeSpans(r));
        r.leave(e, 'ResourceSpans');
        break;
      }
      default:
        r.skip(t);
    }
  }
  // The rule of those versions: the deprecated field counts only when scope_spans is empty.
  if (legacy !== undefined && rs.scopeSpans.length === 0) rs.scopeSpans = legacy;
  return rs;
}

/** Fills `into` so that a repeated occurrence of the field merges, as protobuf requires. */
function readResource(r: ProtoReader, into: Resource): void {
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === 10) readAttribute(r, into.attributes, 'Resource');
    else if (t === 16) into.droppedAttributesCount = r.uint32();
    else r.skip(t);
  }
}

function readScopeSpans(r: ProtoReader): ScopeSpans {
  const ss: ScopeSpans = {
    scope: { name: '', version: '', attributes: [], droppedAttributesCount: 0 },
    schemaUrl: '',
    spans: [],
  };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 10: {
        const e = r.enter('InstrumentationScope');
        readScope(r, ss.scope);
        r.leave(e, 'ScopeSpans');
        break;
      }
      case 18: {
        const e = r.enter('Span');
        ss.spans.push(readSpan(r));
        r.leave(e, 'ScopeSpans');
        break;
      }
      case 26:
        ss.schemaUrl = r.string();
        break;
      default:
        r.skip(t);
    }
  }
  return ss;
}

function readScope(r: ProtoReader, into: InstrumentationScope): void {
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 10:
        into.name = r.string();
        break;
      case 18:
        into.version = r.string();
        break;
      case 26:
        readAttribute(r, into.attributes, 'InstrumentationScope');
        break;
      case 32:
        into.droppedAttributesCount = r.uint32();
        break;
      default:
        r.skip(t);
    }
  }
}

function readSpan(r: ProtoReader): Span {
  const span: Span = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
  };
  let lazyStarts: number[] | undefined;
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 10: span.traceId = r.hex(); break;
      case 18: span.spanId = r.hex(); break;
      case 26: span.traceState = r.string(); break;
      case 34: span.parentSpanId = r.hex(); break;
      case 42: span.name = r.string(); break;
      case 48: span.kind = toSpanKind(r.uint32()); break;
      case 57: span.startTimeUnixNano = r.fixed64(); break;
      case 65: span.endTimeUnixNano = r.fixed64(); break;
      case 74:
        if (lazySpanAttributes) {
          (lazyStarts ??= []).push(r.pos);
          r.skip(t);
        } else readAttribute(r, span.attributes, 'Span');
        break;
      case 80: span.droppedAttributesCount = r.uint32(); break;
      case 90: {
        const e = r.enter('Span.Event');
        span.events.push(readEvent(r));
        r.leave(e, 'Span');
        break;
      }
      case 96: span.droppedEventsCount = r.uint32(); break;
      case 106: {
        const e = r.enter('Span.Link');
        span.links.push(readLink(r));
        r.leave(e, 'Span');
        break;
      }
      case 112: span.droppedLinksCount = r.uint32(); break;
      case 122: {
        const e = r.enter('Status');
        readStatus(r, span.status);
        r.leave(e, 'Span');
        break;
      }
      case 133: span.flags = r.fixed32(); break;
      default: r.skip(t);
    }
  }
  if (lazyStarts) defineLazyAttributes(span, r.buf, lazyStarts);
  return span;
}

function readEvent(r: ProtoReader): SpanEvent {
  const ev: SpanEvent = { timeUnixNano: 0n, name: '', attributes: [], droppedAttributesCount: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 9: ev.timeUnixNano = r.fixed64(); break;
      case 18: ev.name = r.string(); break;
      case 26: readAttribute(r, ev.attributes, 'Span.Event'); break;
      case 32: ev.droppedAttributesCount = r.uint32(); break;
      default: r.skip(t);
    }
  }
  return ev;
}

function readLink(r: ProtoReader): SpanLink {
  const link: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 };
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 10: link.traceId = r.hex(); break;
      case 18: link.spanId = r.hex(); break;
      case 26: link.traceState = r.string(); break;
      case 34: readAttribute(r, link.attributes, 'Span.Link'); break;
      case 40: link.droppedAttributesCount = r.uint32(); break;
      case 53: link.flags = r.fixed32(); break;
      default: r.skip(t);
    }
  }
  return link;
}

function readStatus(r: ProtoReader, into: SpanStatus): void {
  let deprecatedCode = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case 8: deprecatedCode = r.uint32(); break;
      case 18: into.message = r.string(); break;
      case 24: into.code = toStatusCode(r.uint32()); break;
      default: r.skip(t);
    }
  }
  // Proto <= v0.11 rule: with `code` unset, any deprecated_code other than 0 (its OK) meant an error.
  if (into.code === 0 && deprecatedCode !== 0) into.code = 2;
}

/** Unknown enum numbers (from a newer sender) read as UNSPECIFIED so the model's type holds. */
function toSpanKind(n: number): SpanKind {
  return (n <= 5 ? n : 0) as SpanKind;
}

function toStatusCode(n: number): StatusCode {
  return (n <= 2 ? n : 0) as StatusCode;
}
