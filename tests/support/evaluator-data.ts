// The data model of the reference evaluator (evaluator.ts): traces as plain objects built from
// OTLP TracesData, with everything TraceQL can read from a span.
import type { AnyValue, KeyValue, TracesData } from '@tracegres/otlp';

export type Attrs = Map<string, AnyValue>;

export interface EvalEvent {
  name: string;
  /** ns since the span's start. */
  sinceStart: bigint;
  attrs: Attrs;
}

export interface EvalLink {
  traceId: string;
  spanId: string;
  attrs: Attrs;
}

export interface EvalSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  statusMessage: string;
  start: bigint;
  end: bigint;
  attrs: Attrs;
  resource: Attrs;
  events: EvalEvent[];
  links: EvalLink[];
  scope: { name: string; version: string; attrs: Attrs };
}

export interface EvalTrace {
  traceId: string;
  start: bigint;
  end: bigint;
  rootName: string;
  rootService: string;
  spans: EvalSpan[];
}

/** Attributes by key; empty values count as absent; a repeated key keeps its last value. */
const toMap = (kvs: KeyValue[]): Attrs => {
  const m: Attrs = new Map();
  for (const k of kvs) {
    if (k.value.type === 'empty') m.delete(k.key);
    else m.set(k.key, k.value);
  }
  return m;
};

/** Groups spans of any number of TracesData by trace id. */
export function collectTraces(data: TracesData[]): Map<string, EvalTrace> {
  const out = new Map<string, EvalTrace>();
  for (const td of data) {
    for (const rs of td.resourceSpans) {
      const resource = toMap(rs.resource.attributes);
      for (const ss of rs.scopeSpans) {
        const scope = { name: ss.scope.name, version: ss.scope.version, attrs: toMap(ss.scope.attributes) };
        for (const s of ss.spans) {
          let t = out.get(s.traceId);
          if (!t) {
            t = { traceId: s.traceId, start: s.startTimeUnixNano, end: s.endTimeUnixNano, rootName: '', rootService: '', spans: [] };
            out.set(s.traceId, t);
          }
          if (s.startTimeUnixNano < t.start) t.start = s.startTimeUnixNano;
          if (s.endTimeUnixNano > t.end) t.end = s.endTimeUnixNano;
          if (s.parentSpanId === '') {
            t.rootName = s.name;
            const svc = resource.get('service.name');
            t.rootService = svc?.type === 'string' ? svc.value : 'unknown_service';
          }
          t.spans.push({
            traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, status: s.status.code,
            statusMessage: s.status.message, start: s.startTimeUnixNano, end: s.endTimeUnixNano, attrs: toMap(s.attributes), resource,
            events: s.events.map((e) => ({ name: e.name, sinceStart: e.timeUnixNano - s.startTimeUnixNano, attrs: toMap(e.attributes) })),
            links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attrs: toMap(l.attributes) })),
            scope,
          });
        }
      }
    }
  }
  return out;
}
