/**
 * Protobuf encoder for OTLP `TracesData`, which is also the body of an export request and of
 * Tempo's v1 trace-by-ID answer (`tempopb.Trace`). Proto3 rules: zero and empty scalars are
 * omitted; ids are written whenever non-empty.
 */

import type { AnyValue, KeyValue, ResourceSpans, Span, TracesData } from './model.ts';
import { ProtoWriter, varintSize } from './proto-writer.ts';

/**
 * Encodes `TracesData` (byte-identical layout for `ExportTraceServiceRequest` and Tempo's `Trace`).
 * @throws TypeError when an id in the model is not hex.
 */
export function encodeTracesDataProto(td: TracesData | ProtoTrace): Uint8Array<ArrayBuffer> {
  const w = new ProtoWriter(initialSize(td));
  writeTrace(w, td);
  return w.finish();
}

/**
 * A trace that writes its own `TracesData` fields: the stored-trace reader uses this to go from
 * database rows to wire bytes without building the span objects first (see rows-proto in
 * @tracegres/schema), which on a 50,000-span trace is most of the time and garbage.
 */
export interface ProtoTrace {
  readonly spanCount: number;
  /** An estimate of the encoded size, so a 40 MB trace is not copied while its buffer grows. */
  readonly sizeHint?: number;
  writeTracesData(w: ProtoWriter): void;
}

function isProtoTrace(t: TracesData | ProtoTrace): t is ProtoTrace {
  return typeof (t as ProtoTrace).writeTracesData === 'function';
}

/** Writes either kind of trace at the writer's position. */
export function writeTrace(w: ProtoWriter, t: TracesData | ProtoTrace): void {
  if (isProtoTrace(t)) t.writeTracesData(w);
  else writeTracesData(w, t);
}

/** A first buffer size that rarely needs to grow: ~400 bytes per span is typical of real traffic. */
export function initialSize(td: TracesData | ProtoTrace): number {
  let spans = 0;
  if (isProtoTrace(td)) {
    if (td.sizeHint !== undefined) return Math.min(4096 + Math.ceil(td.sizeHint * 1.05), 1 << 30);
    spans = td.spanCount;
  } else for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
  return Math.min(4096 + spans * 512, 1 << 30);
}

/**
 * Bytes to reserve for the length of an envelope holding `spans` spans (~400 bytes each), so that
 * the body of a large trace is rarely moved to make room for its length.
 */
export function lengthGuess(spans: number): number {
  return varintSize(Math.min(spans * 400 + 64, 0xffffffff));
}

/** Writes the fields of `TracesData` at the writer's position (for messages that embed a trace). */
export function writeTracesData(w: ProtoWriter, td: TracesData): void {
  for (const rs of td.resourceSpans) {
    w.uint32(10);
    let spans = 0;
    for (const ss of rs.scopeSpans) spans += ss.spans.length;
    const guess = lengthGuess(spans);
    const s = w.begin(guess);
    writeResourceSpans(w, rs);
    w.end(s, guess);
  }
}

function writeResourceSpans(w: ProtoWriter, rs: ResourceSpans): void {
  const res = rs.resource;
  if (res.attributes.length > 0 || res.droppedAttributesCount !== 0) {
    w.uint32(10);
    const s = w.begin(2);
    writeAttributes(w, 10, res.attributes);
    if (res.droppedAttributesCount !== 0) {
      w.uint32(16);
      w.uint32(res.droppedAttributesCount);
    }
    w.end(s, 2);
  }
  for (const ss of rs.scopeSpans) {
    w.uint32(18);
    const guess = lengthGuess(ss.spans.length);
    const s = w.begin(guess);
    const sc = ss.scope;
    if (sc.name !== '' || sc.version !== '' || sc.attributes.length > 0 || sc.droppedAttributesCount !== 0) {
      w.uint32(10);
      const s2 = w.begin(1);
      if (sc.name !== '') {
        w.uint32(10);
        w.string(sc.name);
      }
      if (sc.version !== '') {
        w.uint32(18);
        w.string(sc.version);
      }
      writeAttributes(w, 26, sc.attributes);
      if (sc.droppedAttributesCount !== 0) {
        w.uint32(32);
        w.uint32(sc.droppedAttributesCount);
      }
      w.end(s2, 1);
    }
    for (const span of ss.spans) {
      w.uint32(18);
      const s2 = w.begin(2);
      writeSpan(w, span);
      w.end(s2, 2);
    }
    if (ss.schemaUrl !== '') {
      w.uint32(26);
      w.string(ss.schemaUrl);
    }
    w.end(s, guess);
  }
  if (rs.schemaUrl !== '') {
    w.uint32(26);
    w.string(rs.schemaUrl);
  }
}

/**
 * Writes a Span's fields. `writeAttrs`, when given, writes the attributes in their place instead
 * of `span.attributes` (the stored-trace writer streams them from their stored JSON).
 */
export function writeSpan(w: ProtoWriter, span: Span, writeAttrs?: (w: ProtoWriter) => void): void {
  if (span.traceId !== '') {
    w.uint32(10);
    w.hexBytes(span.traceId);
  }
  if (span.spanId !== '') {
    w.uint32(18);
    w.hexBytes(span.spanId);
  }
  if (span.traceState !== '') {
    w.uint32(26);
    w.string(span.traceState);
  }
  if (span.parentSpanId !== '') {
    w.uint32(34);
    w.hexBytes(span.parentSpanId);
  }
  if (span.name !== '') {
    w.uint32(42);
    w.string(span.name);
  }
  if (span.kind !== 0) {
    w.uint32(48);
    w.uint32(span.kind);
  }
  if (span.startTimeUnixNano !== 0n) {
    w.uint32(57);
    w.fixed64(span.startTimeUnixNano);
  }
  if (span.endTimeUnixNano !== 0n) {
    w.uint32(65);
    w.fixed64(span.endTimeUnixNano);
  }
  if (writeAttrs) writeAttrs(w);
  else writeAttributes(w, 74, span.attributes);
  if (span.droppedAttributesCount !== 0) {
    w.uint32(80);
    w.uint32(span.droppedAttributesCount);
  }
  for (const ev of span.events) {
    w.uint32(90);
    const s = w.begin(1);
    if (ev.timeUnixNano !== 0n) {
      w.uint32(9);
      w.fixed64(ev.timeUnixNano);
    }
    if (ev.name !== '') {
      w.uint32(18);
      w.string(ev.name);
    }
    writeAttributes(w, 26, ev.attributes);
    if (ev.droppedAttributesCount !== 0) {
      w.uint32(32);
      w.uint32(ev.droppedAttributesCount);
    }
    w.end(s, 1);
  }
  if (span.droppedEventsCount !== 0) {
    w.uint32(96);
    w.uint32(span.droppedEventsCount);
  }
  for (const link of span.links) {
    w.uint32(106);
    const s = w.begin(1);
    if (link.traceId !== '') {
      w.uint32(10);
      w.hexBytes(link.traceId);
    }
    if (link.spanId !== '') {
      w.uint32(18);
      w.hexBytes(link.spanId);
    }
    if (link.traceState !== '') {
      w.uint32(26);
      w.string(link.traceState);
    }
    writeAttributes(w, 34, link.attributes);
    if (link.droppedAttributesCount !== 0) {
      w.uint32(40);
      w.uint32(link.droppedAttributesCount);
    }
    if (link.flags !== 0) {
      w.uint32(53);
      w.fixed32(link.flags);
    }
    w.end(s, 1);
  }
  if (span.droppedLinksCount !== 0) {
    w.uint32(112);
    w.uint32(span.droppedLinksCount);
  }
  const st = span.status;
  if (st.code !== 0 || st.message !== '') {
    w.uint32(122);
    const s = w.begin(1);
    if (st.message !== '') {
      w.uint32(18);
      w.string(st.message);
    }
    if (st.code !== 0) {
      w.uint32(24);
      w.uint32(st.code);
    }
    w.end(s, 1);
  }
  if (span.flags !== 0) {
    w.uint32(133);
    w.fixed32(span.flags);
  }
}

/** Writes each KeyValue of `list` as field `tag` (the caller's repeated attributes field). */
export function writeAttributes(w: ProtoWriter, tag: number, list: KeyValue[]): void {
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    w.uint32(tag);
    const s = w.begin(1);
    if (kv.key !== '') {
      w.uint32(10);
      w.string(kv.key);
    }
    // The value is always written, even when empty: an absent value and an empty one read back alike.
    w.uint32(18);
    const s2 = w.begin(1);
    writeAnyValue(w, kv.value);
    w.end(s2, 1);
    w.end(s, 1);
  }
}

function writeAnyValue(w: ProtoWriter, v: AnyValue): void {
  // Oneof members have presence: '' / false / 0 are written, unlike plain proto3 scalars.
  switch (v.type) {
    case 'string':
      w.uint32(10);
      w.string(v.value);
      return;
    case 'bool':
      w.uint32(16);
      w.uint32(v.value ? 1 : 0);
      return;
    case 'int':
      w.uint32(24);
      w.int64(v.value);
      return;
    case 'double':
      w.uint32(33);
      w.double(v.value);
      return;
    case 'array': {
      w.uint32(42);
      const s = w.begin(1);
      for (const item of v.value) {
        w.uint32(10);
        const s2 = w.begin(1);
        writeAnyValue(w, item);
        w.end(s2, 1);
      }
      w.end(s, 1);
      return;
    }
    case 'kvlist': {
      w.uint32(50);
      const s = w.begin(1);
      writeAttributes(w, 10, v.value);
      w.end(s, 1);
      return;
    }
    case 'bytes':
      w.uint32(58);
      w.bytes(v.value);
      return;
    case 'empty':
      return;
  }
}
