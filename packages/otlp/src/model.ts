/**
 * The span model shared by ingest, storage, query APIs, the generator and the web UI.
 *
 * It mirrors OTLP's `TracesData` (resource -> scope -> spans) so that every field a sender
 * sets survives a round trip. Conventions chosen for speed and exactness:
 * - ids are lowercase hex strings of the bytes received (`traceId` 32 chars, `spanId` 16);
 *   an absent parent is `''`. Validation of lengths happens after decoding (see validate.ts),
 *   so the decoder never loses a span silently.
 * - 64-bit times and integer attributes are `bigint` (OTLP's fixed64/int64 exceed 2^53).
 * - enums are their OTLP numbers.
 */

/** OTLP `Span.SpanKind` numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP `Status.StatusCode` numbers. */
export const StatusCode = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

/** Enum names as OTLP and Tempo's jsonpb print them, indexed by number. */
export const spanKindNames = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
] as const;
export const statusCodeNames = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'] as const;

/** OTLP `AnyValue`; `empty` is a value with no member set (valid since proto 1.9). */
export type AnyValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'array'; readonly value: AnyValue[] }
  | { readonly type: 'kvlist'; readonly value: KeyValue[] }
  | { readonly type: 'empty' };

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  /** fixed32 flags, 0 when absent. */
  flags: number;
}

export interface SpanStatus {
  code: StatusCode;
  message: string;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
  /** fixed32 flags (W3C trace flags + is-remote bits), 0 when absent. */
  flags: number;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  schemaUrl: string;
  spans: Span[];
}

export interface ResourceSpans {
  resource: Resource;
  schemaUrl: string;
  scopeSpans: ScopeSpans[];
}

/** Same shape as `ExportTraceServiceRequest`, `TracesData` and Tempo's `Trace`. */
export interface TracesData {
  resourceSpans: ResourceSpans[];
}

/** `ExportTracePartialSuccess`; absent or all-zero means full success. */
export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/** `google.rpc.Status` as OTLP error bodies carry it. */
export interface RpcStatus {
  code: number;
  message: string;
  /** Optional `google.rpc.BadRequest` field violations, carried in `details`. */
  fieldViolations?: { field: string; description: string }[];
}
