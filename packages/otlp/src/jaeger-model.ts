/**
 * OTLP -> Jaeger's "internal" JSON trace model (the shape of `GET /api/traces/{id}`), following
 * the conversion Jaeger itself applies (OTel's jaeger translator, then Jaeger's UI model), and the
 * parts of Jaeger's query-side adjusters that change what a client sees (reference:
 * jaeger-api-and-ui.md §1.4-1.6).
 */
import { bytesToBase64 } from './base64.ts';
import type { AnyValue, KeyValue, Resource, Span, TracesData } from './model.ts';

export interface JaegerKeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64' | 'float64' | 'binary';
  value: string | number | boolean;
}

export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

export interface JaegerLog {
  timestamp: number;
  fields: JaegerKeyValue[];
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  flags?: number;
  operationName: string;
  references: JaegerReference[];
  startTime: number;
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerOptions {
  /** Apply Jaeger's standard adjusters (sorting, warnings); `raw=true` turns them off. */
  adjust: boolean;
  /** Service name for a resource without a string `service.name`. */
  unknownService: string;
}

const KIND_TAGS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Jaeger prints a trace id as 16 hex chars when its high 64 bits are zero, else 32. */
export function jaegerTraceId(hex: string): string {
  return hex.length === 32 && hex.startsWith('0000000000000000') ? hex.slice(16) : hex;
}

/**
 * Converts one trace (all its spans, in any resource/scope grouping) to the Jaeger model.
 * Process ids are `p1`, `p2`, ... in the order spans first use each distinct process.
 */
export function toJaegerTrace(td: TracesData, opts: JaegerOptions): JaegerTrace {
  const processes: Record<string, JaegerProcess> = {};
  const processIds = new Map<string, string>();
  const spans: JaegerSpan[] = [];
  const warningsOf = new Map<JaegerSpan, string[]>();
  const warn = (s: JaegerSpan, w: string) => {
    const l = warningsOf.get(s) ?? [];
    l.push(w);
    warningsOf.set(s, l);
  };
  const parents: { span: JaegerSpan; parentSpanId: string }[] = [];
  const seen = new Set<string>();
  for (const rs of td.resourceSpans) {
    const process = processOf(rs.resource, opts);
    const pkey = JSON.stringify(process);
    let pid = processIds.get(pkey);
    if (!pid) {
      pid = `p${processIds.size + 1}`;
      processIds.set(pkey, pid);
      processes[pid] = process;
    }
    for (const ss of rs.scopeSpans) {
      const scopeTags: JaegerKeyValue[] = [];
      if (ss.scope.name) scopeTags.push({ key: 'otel.scope.name', type: 'string', value: ss.scope.name });
      if (ss.scope.version) scopeTags.push({ key: 'otel.scope.version', type: 'string', value: ss.scope.version });
      for (const s of ss.spans) {
        const js = spanOf(s, scopeTags, pid, opts, warn);
        spans.push(js);
        if (opts.adjust) {
          if (seen.has(s.spanId)) warn(js, 'duplicate span IDs; skipping clock skew adjustment');
          seen.add(s.spanId);
          if (s.parentSpanId) parents.push({ span: js, parentSpanId: s.parentSpanId });
        }
      }
    }
  }
  for (const p of parents) {
    if (!seen.has(p.parentSpanId)) warn(p.span, `parent span ID=${p.parentSpanId} is not in the trace; skipping clock skew adjustment`);
  }
  for (const [s, w] of warningsOf) s.warnings = w;
  const first = td.resourceSpans.find((r) => r.scopeSpans.some((s) => s.spans.length))?.scopeSpans.find((s) => s.spans.length)?.spans[0];
  return { traceID: first ? jaegerTraceId(first.traceId) : '', spans, processes, warnings: null };
}

function processOf(r: Resource, opts: JaegerOptions): JaegerProcess {
  let serviceName: string | undefined;
  const rest: KeyValue[] = [];
  for (const kv of r.attributes) {
    if (kv.key === 'service.name') {
      if (kv.value.type === 'string') serviceName = kv.value.value;
    } else rest.push(kv);
  }
  // Jaeger names a resource without `service.name` by a placeholder; we use the name the span
  // is stored (and searched) under, so that `/api/services` and the process agree.
  return { serviceName: serviceName ?? opts.unknownService, tags: tagsOf(opts.adjust ? sorted(rest) : rest) };
}

function spanOf(
  s: Span,
  scopeTags: JaegerKeyValue[],
  processID: string,
  opts: JaegerOptions,
  warn: (s: JaegerSpan, w: string) => void,
): JaegerSpan {
  const tags = [...scopeTags, ...tagsOf(opts.adjust ? sorted(s.attributes) : s.attributes)];
  if (KIND_TAGS[s.kind]) tags.push({ key: 'span.kind', type: 'string', value: KIND_TAGS[s.kind] });
  if (s.status.code === 1) tags.push({ key: 'otel.status_code', type: 'string', value: 'OK' });
  if (s.status.code === 2) {
    tags.push({ key: 'otel.status_code', type: 'string', value: 'ERROR' });
    tags.push({ key: 'error', type: 'bool', value: true });
  }
  if (s.status.message) tags.push({ key: 'otel.status_description', type: 'string', value: s.status.message });
  if (s.traceState) tags.push({ key: 'w3c.tracestate', type: 'string', value: s.traceState });

  const traceID = jaegerTraceId(s.traceId);
  const references: JaegerReference[] = [];
  // The parent first: the UI builds the tree from the first reference to a span in the trace.
  if (s.parentSpanId) references.push({ refType: 'CHILD_OF', traceID, spanID: s.parentSpanId });
  let droppedLinks = 0;
  for (const l of s.links) {
    if (opts.adjust && /^0*$/.test(l.traceId)) {
      droppedLinks++;
      continue;
    }
    const rt = l.attributes.find((a) => a.key === 'opentracing.ref_type');
    const refType = rt?.value.type === 'string' && rt.value.value === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM';
    if (s.parentSpanId && l.traceId === s.traceId && l.spanId === s.parentSpanId) {
      references[0].refType = refType;
      continue;
    }
    references.push({ refType, traceID: jaegerTraceId(l.traceId), spanID: l.spanId });
  }

  const events = opts.adjust ? [...s.events].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : s.events;
  const logs = events.map((e): JaegerLog => {
    const fields: JaegerKeyValue[] = [];
    if (e.name && !e.attributes.some((a) => a.key === 'event')) fields.push({ key: 'event', type: 'string', value: e.name });
    fields.push(...tagsOf(opts.adjust ? sorted(e.attributes) : e.attributes));
    return { timestamp: micros(e.timeUnixNano), fields };
  });

  const dur = s.endTimeUnixNano - s.startTimeUnixNano;
  const out: JaegerSpan = {
    traceID,
    spanID: s.spanId,
    ...((s.flags & 1) === 1 ? { flags: 1 } : {}),
    operationName: s.name,
    references,
    startTime: micros(s.startTimeUnixNano),
    duration: dur > 0n ? micros(dur) : 0,
    tags,
    logs,
    processID,
    warnings: null,
  };
  for (let i = 0; i < droppedLinks; i++) warn(out, 'Invalid span link removed');
  return out;
}

function micros(ns: bigint): number {
  return Number(ns / 1000n);
}

function sorted(kvs: readonly KeyValue[]): KeyValue[] {
  return [...kvs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function tagsOf(kvs: readonly KeyValue[]): JaegerKeyValue[] {
  return kvs.map((kv) => tagOf(kv.key, kv.value));
}

/** Typed tags; maps and arrays become their JSON text, as Jaeger's translator renders them. */
export function tagOf(key: string, v: AnyValue): JaegerKeyValue {
  switch (v.type) {
    case 'string':
      return { key, type: 'string', value: v.value };
    case 'bool':
      return { key, type: 'bool', value: v.value };
    case 'int':
      // Beyond 2^53 a JSON number would lose digits in JavaScript: Jaeger sends a decimal string.
      return { key, type: 'int64', value: v.value > MAX_SAFE || v.value < -MAX_SAFE ? v.value.toString() : Number(v.value) };
    case 'double':
      return { key, type: 'float64', value: Number.isFinite(v.value) ? v.value : String(v.value) };
    case 'bytes':
      return { key, type: 'binary', value: bytesToBase64(v.value) };
    case 'array':
    case 'kvlist':
      return { key, type: 'string', value: JSON.stringify(rawOf(v)) };
    case 'empty':
      return { key, type: 'string', value: '' };
  }
}

/** A value as plain JSON (map keys sorted, bytes as base64), like Go's json of `AsRaw()`. */
function rawOf(v: AnyValue): unknown {
  switch (v.type) {
    case 'int':
      return v.value > MAX_SAFE || v.value < -MAX_SAFE ? v.value.toString() : Number(v.value);
    case 'double':
      return Number.isFinite(v.value) ? v.value : String(v.value);
    case 'bytes':
      return bytesToBase64(v.value);
    case 'array':
      return v.value.map(rawOf);
    case 'kvlist':
      return Object.fromEntries(sorted(v.value).map((kv) => [kv.key, rawOf(kv.value)]));
    case 'empty':
      return null;
    default:
      return v.value;
  }
}
