// Jaeger's JSON trace model (what jaeger-ui downloads and `/api/traces/{id}` answers) read into
// the OTLP span model, in the browser. The mapping is the inverse of OTel's Jaeger translator
// (reference jaeger-api-and-ui.md §1.4-1.5): `span.kind`, `otel.status_code`, `error`,
// `otel.status_description`, `otel.scope.*` and `w3c.tracestate` tags become span fields again,
// processes become resources, logs become events, and references become the parent and links.
import { tryBase64ToBytes, type AnyValue, type KeyValue, type ResourceSpans, type Span, type SpanEvent, type SpanLink, type TracesData } from '@tracegres/otlp';
import { TraceFileError } from './trace-file-error.ts';
import { UNKNOWN_SERVICE } from './trace-model.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 40) ?? String(v));

function obj(v: unknown, path: string): Obj {
  if (isObj(v)) return v;
  throw new TraceFileError(`${path}: expected an object, got ${show(v)}`);
}

function arr(v: unknown, path: string, optional = false): unknown[] {
  if (Array.isArray(v)) return v;
  if (optional && (v === undefined || v === null)) return [];
  throw new TraceFileError(`${path}: expected an array, got ${show(v)}`);
}

function str(v: unknown, path: string): string {
  if (typeof v === 'string') return v;
  throw new TraceFileError(`${path}: expected a string, got ${show(v)}`);
}

/** Jaeger ids are hex without leading zeros guaranteed; OTLP's are fixed width. */
function hexId(v: unknown, path: string, width: number): string {
  const s = str(v, path).toLowerCase();
  if (!/^[0-9a-f]+$/.test(s) || s.length > width) throw new TraceFileError(`${path}: expected a hex id of up to ${width} digits, got ${show(v)}`);
  return s.padStart(width, '0');
}

/** Microseconds (Jaeger's unit) as nanoseconds; integers or whole-number strings. */
function micros(v: unknown, path: string): bigint {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.round(v)) * 1000n;
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v) * 1000n;
  throw new TraceFileError(`${path}: expected a number of microseconds, got ${show(v)}`);
}

function tagValue(t: Obj, path: string): AnyValue {
  const v = t.value;
  const type = t.type === undefined ? undefined : String(t.type).toLowerCase();
  switch (type ?? typeof v) {
    case 'string':
      return { type: 'string', value: typeof v === 'string' ? v : String(v) };
    case 'bool':
    case 'boolean':
      if (typeof v === 'boolean') return { type: 'bool', value: v };
      if (v === 'true' || v === 'false') return { type: 'bool', value: v === 'true' };
      break;
    case 'int64':
      // Beyond 2^53 Jaeger sends the integer as a decimal string.
      if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) return { type: 'int', value: BigInt(v) };
      break;
    case 'number':
      if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', value: BigInt(v) } : { type: 'double', value: v };
      break;
    case 'float64':
      if (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))) return { type: 'double', value: Number(v) };
      break;
    case 'binary': {
      const bytes = typeof v === 'string' ? tryBase64ToBytes(v) : undefined;
      if (bytes) return { type: 'bytes', value: bytes };
      break;
    }
    default:
      throw new TraceFileError(`${path}.type: expected string, bool, int64, float64 or binary, got ${show(t.type)}`);
  }
  throw new TraceFileError(`${path}.value: ${show(v)} is not a valid ${type ?? typeof v} value`);
}

function keyValues(v: unknown, path: string): KeyValue[] {
  return arr(v, path, true).map((t, i) => {
    const o = obj(t, `${path}[${i}]`);
    return { key: str(o.key, `${path}[${i}].key`), value: tagValue(o, `${path}[${i}]`) };
  });
}

const KINDS: Record<string, Span['kind']> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

interface ConvertedSpan {
  span: Span;
  processId: string;
  scopeName: string;
  scopeVersion: string;
}

/** Tags that Jaeger made from span fields go back into those fields; the rest stay attributes. */
function spanFields(tags: KeyValue[], span: Span, scope: { name: string; version: string }): KeyValue[] {
  const rest: KeyValue[] = [];
  let errorTag = false;
  for (const kv of tags) {
    const text = kv.value.type === 'string' ? kv.value.value : undefined;
    if (kv.key === 'span.kind' && text !== undefined && KINDS[text.toLowerCase()]) span.kind = KINDS[text.toLowerCase()];
    else if (kv.key === 'otel.status_code' && (text === 'OK' || text === 'ERROR')) span.status.code = text === 'OK' ? 1 : 2;
    else if (kv.key === 'otel.status_description' && text !== undefined) span.status.message = text;
    else if (kv.key === 'error' && (kv.value.type === 'bool' || text !== undefined)) errorTag = kv.value.type === 'bool' ? kv.value.value : text === 'true';
    else if ((kv.key === 'otel.scope.name' || kv.key === 'otel.library.name') && text !== undefined) scope.name = text;
    else if ((kv.key === 'otel.scope.version' || kv.key === 'otel.library.version') && text !== undefined) scope.version = text;
    else if (kv.key === 'w3c.tracestate' && text !== undefined) span.traceState = text;
    else rest.push(kv);
  }
  // Non-OTel Jaeger clients mark failures only with `error=true`.
  if (errorTag && span.status.code === 0) span.status.code = 2;
  return rest;
}

function events(v: unknown, path: string): SpanEvent[] {
  return arr(v, path, true).map((l, i) => {
    const o = obj(l, `${path}[${i}]`);
    const fields = keyValues(o.fields, `${path}[${i}].fields`);
    const nameAt = fields.findIndex((f) => f.key === 'event' && f.value.type === 'string');
    const name = nameAt >= 0 ? (fields[nameAt].value as { value: string }).value : '';
    if (nameAt >= 0) fields.splice(nameAt, 1);
    return { timeUnixNano: micros(o.timestamp, `${path}[${i}].timestamp`), name, attributes: fields, droppedAttributesCount: 0 };
  });
}

interface Reference {
  refType: string;
  traceId: string;
  spanId: string;
}

function references(o: Obj, path: string): Reference[] {
  const refs = arr(o.references, `${path}.references`, true).map((r, i) => {
    const ro = obj(r, `${path}.references[${i}]`);
    return {
      refType: typeof ro.refType === 'string' ? ro.refType : 'CHILD_OF',
      traceId: hexId(ro.traceID, `${path}.references[${i}].traceID`, 32),
      spanId: hexId(ro.spanID, `${path}.references[${i}].spanID`, 16),
    };
  });
  // The old embedded form names the parent in `parentSpanID` instead.
  if (refs.length === 0 && typeof o.parentSpanID === 'string' && !/^0*$/.test(o.parentSpanID)) {
    refs.push({ refType: 'CHILD_OF', traceId: '', spanId: hexId(o.parentSpanID, `${path}.parentSpanID`, 16) });
  }
  return refs;
}

function convertSpan(v: unknown, path: string, processes: Obj, extraProcesses: Map<string, Obj>): ConvertedSpan & { refs: Reference[] } {
  const o = obj(v, path);
  const start = micros(o.startTime, `${path}.startTime`);
  const duration = micros(o.duration, `${path}.duration`);
  let processId: string;
  if (typeof o.processID === 'string' && o.processID !== '') {
    processId = o.processID;
    if (!isObj(processes[processId])) throw new TraceFileError(`${path}.processID: "${processId}" is not one of the trace's processes (${Object.keys(processes).join(', ') || 'none'})`);
  } else if (isObj(o.process)) {
    // The embedded-process form (Jaeger's Elasticsearch documents) carries the process inline.
    processId = `embedded:${JSON.stringify(o.process)}`;
    extraProcesses.set(processId, o.process);
  } else throw new TraceFileError(`${path}.processID: expected the id of one of the trace's processes, got ${show(o.processID)}`);
  const span: Span = {
    traceId: hexId(o.traceID, `${path}.traceID`, 32),
    spanId: hexId(o.spanID, `${path}.spanID`, 16),
    parentSpanId: '',
    traceState: '',
    name: o.operationName === undefined ? '' : str(o.operationName, `${path}.operationName`),
    kind: 0,
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    attributes: [],
    droppedAttributesCount: 0,
    events: events(o.logs, `${path}.logs`),
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: typeof o.flags === 'number' ? o.flags : 0,
  };
  const scope = { name: '', version: '' };
  span.attributes = spanFields(keyValues(o.tags, `${path}.tags`), span, scope);
  return { span, processId, scopeName: scope.name, scopeVersion: scope.version, refs: references(o, path) };
}

function resourceOf(p: Obj, path: string): KeyValue[] {
  const service = p.serviceName === undefined ? UNKNOWN_SERVICE : str(p.serviceName, `${path}.serviceName`);
  return [{ key: 'service.name', value: { type: 'string', value: service } }, ...keyValues(p.tags, `${path}.tags`)];
}

/** One Jaeger trace object (`{traceID, spans, processes}`) as OTLP; `path` prefixes error messages. */
export function jaegerTraceToOtlp(v: unknown, path: string): TracesData {
  const t = obj(v, path);
  const processes = t.processes === undefined ? {} : obj(t.processes, `${path}.processes`);
  const extra = new Map<string, Obj>();
  const spans = arr(t.spans, `${path}.spans`).map((s, i) => convertSpan(s, `${path}.spans[${i}]`, processes, extra));
  const present = new Set(spans.map((s) => s.span.spanId));
  for (const s of spans) {
    // As jaeger-ui does: the parent is the first reference to a span in this trace; with none
    // there, the first CHILD_OF names a parent that is missing (the span shows as an orphan).
    const parent = s.refs.find((r) => present.has(r.spanId) && r.spanId !== s.span.spanId) ?? s.refs.find((r) => r.refType === 'CHILD_OF');
    if (parent) s.span.parentSpanId = parent.spanId;
    s.span.links = s.refs
      .filter((r) => r !== parent)
      .map((r): SpanLink => ({ traceId: r.traceId || s.span.traceId, spanId: r.spanId, traceState: '', attributes: [], droppedAttributesCount: 0, flags: 0 }));
  }
  const byProcess = new Map<string, ResourceSpans>();
  for (const s of spans) {
    let rs = byProcess.get(s.processId);
    if (!rs) {
      const p = extra.get(s.processId);
      const attributes = p ? resourceOf(p, `${path}.spans[].process`) : resourceOf(obj(processes[s.processId], `${path}.processes.${s.processId}`), `${path}.processes.${s.processId}`);
      rs = { resource: { attributes, droppedAttributesCount: 0 }, schemaUrl: '', scopeSpans: [] };
      byProcess.set(s.processId, rs);
    }
    let ss = rs.scopeSpans.find((x) => x.scope.name === s.scopeName && x.scope.version === s.scopeVersion);
    if (!ss) {
      ss = { scope: { name: s.scopeName, version: s.scopeVersion, attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans: [] };
      rs.scopeSpans.push(ss);
    }
    ss.spans.push(s.span);
  }
  return { resourceSpans: [...byProcess.values()] };
}

/** Whether a value looks like one Jaeger trace object. */
export function isJaegerTrace(v: unknown): boolean {
  return isObj(v) && Array.isArray(v.spans) && (isObj(v.processes) || typeof v.traceID === 'string');
}
