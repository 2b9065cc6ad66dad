/**
 * JSON encoders for spans, built by string concatenation (faster than building objects for
 * JSON.stringify on 50,000-span traces). Two dialects share one walker:
 * - OTLP/JSON as a good sender writes it (spec §2.1): hex ids, enums as numbers, 64-bit integers as
 *   decimal strings, zero fields omitted.
 * - Tempo's gogo-jsonpb answers to trace-by-ID (tempo reference §1.2): base64 ids, enum names,
 *   64-bit integers as strings, zero fields omitted.
 */

import { bytesToBase64 } from './base64.ts';
import { hexToBytes } from './hex.ts';
import { jsonString } from './json-string.ts';
import {
  spanKindNames,
  statusCodeNames,
  type AnyValue,
  type KeyValue,
  type ResourceSpans,
  type ScopeSpans,
  type Span,
  type TracesData,
} from './model.ts';

interface Dialect {
  id(hex: string): string;
  kind(k: number): string;
  statusCode(c: number): string;
}

const otlp: Dialect = {
  id: (hex) => '"' + hex + '"',
  kind: (k) => String(k),
  statusCode: (c) => String(c),
};

const tempo: Dialect = {
  id: (hex) => '"' + bytesToBase64(hexToBytes(hex)) + '"',
  kind: (k) => '"' + (spanKindNames[k] ?? k) + '"',
  statusCode: (c) => '"' + (statusCodeNames[c] ?? c) + '"',
};

/**
 * OTLP/JSON `TracesData` / `ExportTraceServiceRequest` in the strict form the spec asks senders
 * to write.
 */
export function encodeOtlpJson(td: TracesData): string {
  return encodeTraces(td, 'resourceSpans', otlp);
}

/**
 * Tempo's trace-by-ID JSON: `rootKey` is `batches` for `/api/traces/{id}` (v1) and
 * `resourceSpans` for the `trace` of `/api/v2/traces/{id}`. An empty trace is `{}`.
 */
export function encodeTempoJson(td: TracesData, rootKey: 'batches' | 'resourceSpans'): string {
  return encodeTraces(td, rootKey, tempo);
}

function encodeTraces(td: TracesData, rootKey: string, d: Dialect): string {
  const list = td.resourceSpans;
  if (list.length === 0) return '{}';
  let s = '{"' + rootKey + '":[';
  for (let i = 0; i < list.length; i++) {
    if (i > 0) s += ',';
    s += resourceSpans(list[i], d);
  }
  return s + ']}';
}

function resourceSpans(rs: ResourceSpans, d: Dialect): string {
  const parts: string[] = [];
  const res = rs.resource;
  if (res.attributes.length > 0 || res.droppedAttributesCount !== 0) {
    const r: string[] = [];
    if (res.attributes.length > 0) r.push('"attributes":' + attributes(res.attributes, d));
    if (res.droppedAttributesCount !== 0) r.push('"droppedAttributesCount":' + res.droppedAttributesCount);
    parts.push('"resource":{' + r.join(',') + '}');
  }
  if (rs.scopeSpans.length > 0) parts.push('"scopeSpans":[' + rs.scopeSpans.map((ss) => scopeSpans(ss, d)).join(',') + ']');
  if (rs.schemaUrl !== '') parts.push('"schemaUrl":' + jsonString(rs.schemaUrl));
  return '{' + parts.join(',') + '}';
}

function scopeSpans(ss: ScopeSpans, d: Dialect): string {
  const parts: string[] = [];
  const sc = ss.scope;
  const q: string[] = [];
  if (sc.name !== '') q.push('"name":' + jsonString(sc.name));
  if (sc.version !== '') q.push('"version":' + jsonString(sc.version));
  if (sc.attributes.length > 0) q.push('"attributes":' + attributes(sc.attributes, d));
  if (sc.droppedAttributesCount !== 0) q.push('"droppedAttributesCount":' + sc.droppedAttributesCount);
  if (q.length > 0) parts.push('"scope":{' + q.join(',') + '}');
  if (ss.spans.length > 0) {
    let s = '"spans":[';
    for (let j = 0; j < ss.spans.length; j++) {
      if (j > 0) s += ',';
      s += span(ss.spans[j], d);
    }
    parts.push(s + ']');
  }
  if (ss.schemaUrl !== '') parts.push('"schemaUrl":' + jsonString(ss.schemaUrl));
  return '{' + parts.join(',') + '}';
}

function span(sp: Span, d: Dialect): string {
  // Every field is written with a leading comma; the first one is cut off at the end.
  let s = '';
  if (sp.traceId !== '') s += ',"traceId":' + d.id(sp.traceId);
  if (sp.spanId !== '') s += ',"spanId":' + d.id(sp.spanId);
  if (sp.traceState !== '') s += ',"traceState":' + jsonString(sp.traceState);
  if (sp.parentSpanId !== '') s += ',"parentSpanId":' + d.id(sp.parentSpanId);
  if (sp.name !== '') s += ',"name":' + jsonString(sp.name);
  if (sp.kind !== 0) s += ',"kind":' + d.kind(sp.kind);
  if (sp.startTimeUnixNano !== 0n) s += ',"startTimeUnixNano":"' + sp.startTimeUnixNano + '"';
  if (sp.endTimeUnixNano !== 0n) s += ',"endTimeUnixNano":"' + sp.endTimeUnixNano + '"';
  if (sp.attributes.length > 0) s += ',"attributes":' + attributes(sp.attributes, d);
  if (sp.droppedAttributesCount !== 0) s += ',"droppedAttributesCount":' + sp.droppedAttributesCount;
  if (sp.events.length > 0) {
    s += ',"events":[';
    for (let i = 0; i < sp.events.length; i++) {
      const ev = sp.events[i];
      const p: string[] = [];
      if (ev.timeUnixNano !== 0n) p.push('"timeUnixNano":"' + ev.timeUnixNano + '"');
      if (ev.name !== '') p.push('"name":' + jsonString(ev.name));
      if (ev.attributes.length > 0) p.push('"attributes":' + attributes(ev.attributes, d));
      if (ev.droppedAttributesCount !== 0) p.push('"droppedAttributesCount":' + ev.droppedAttributesCount);
      s += (i > 0 ? ',{' : '{') + p.join(',') + '}';
    }
    s += ']';
  }
  if (sp.droppedEventsCount !== 0) s += ',"droppedEventsCount":' + sp.droppedEventsCount;
  if (sp.links.length > 0) {
    s += ',"links":[';
    for (let i = 0; i < sp.links.length; i++) {
      const l = sp.links[i];
      const p: string[] = [];
      if (l.traceId !== '') p.push('"traceId":' + d.id(l.traceId));
      if (l.spanId !== '') p.push('"spanId":' + d.id(l.spanId));
      if (l.traceState !== '') p.push('"traceState":' + jsonString(l.traceState));
      if (l.attributes.length > 0) p.push('"attributes":' + attributes(l.attributes, d));
      if (l.droppedAttributesCount !== 0) p.push('"droppedAttributesCount":' + l.droppedAttributesCount);
      if (l.flags !== 0) p.push('"flags":' + l.flags);
      s += (i > 0 ? ',{' : '{') + p.join(',') + '}';
    }
    s += ']';
  }
  if (sp.droppedLinksCount !== 0) s += ',"droppedLinksCount":' + sp.droppedLinksCount;
  const st = sp.status;
  if (st.code !== 0 || st.message !== '') {
    const p: string[] = [];
    if (st.code !== 0) p.push('"code":' + d.statusCode(st.code));
    if (st.message !== '') p.push('"message":' + jsonString(st.message));
    s += ',"status":{' + p.join(',') + '}';
  }
  if (sp.flags !== 0) s += ',"flags":' + sp.flags;
  return '{' + s.slice(1) + '}';
}

function attributes(list: KeyValue[], d: Dialect): string {
  let s = '[';
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    if (i > 0) s += ',';
    s += '{"key":' + jsonString(kv.key) + ',"value":' + anyValue(kv.value, d) + '}';
  }
  return s + ']';
}

function anyValue(v: AnyValue, d: Dialect): string {
  // Oneof members have presence, so '' / false / 0 are written, unlike plain proto3 scalars.
  switch (v.type) {
    case 'string':
      return '{"stringValue":' + jsonString(v.value) + '}';
    case 'bool':
      return v.value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'int':
      return '{"intValue":"' + v.value + '"}';
    case 'double':
      return '{"doubleValue":' + jsonDouble(v.value) + '}';
    case 'bytes':
      return '{"bytesValue":"' + bytesToBase64(v.value) + '"}';
    case 'array': {
      if (v.value.length === 0) return '{"arrayValue":{}}';
      let s = '{"arrayValue":{"values":[';
      for (let i = 0; i < v.value.length; i++) s += (i > 0 ? ',' : '') + anyValue(v.value[i], d);
      return s + ']}}';
    }
    case 'kvlist':
      return v.value.length === 0 ? '{"kvlistValue":{}}' : '{"kvlistValue":{"values":' + attributes(v.value, d) + '}}';
    case 'empty':
      return '{}';
  }
}

/** One AnyValue as OTLP/Tempo JSON (`{"intValue":"5"}`, `{"arrayValue":{...}}`, ...). */
export function encodeAnyValueJson(v: AnyValue): string {
  return anyValue(v, otlp);
}

/** Proto3 JSON doubles: numbers, with NaN and the infinities as strings; -0 keeps its sign. */
export function jsonDouble(x: number): string {
  if (Number.isFinite(x)) return Object.is(x, -0) ? '-0' : String(x);
  return x > 0 ? '"Infinity"' : x < 0 ? '"-Infinity"' : '"NaN"';
}
