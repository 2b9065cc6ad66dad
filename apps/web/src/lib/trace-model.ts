// The trace page's view of one trace: every span flattened once into an array, with times in
// microseconds since the trace's start (plain numbers: bigint arithmetic on every draw would be
// slow on 50,000 spans), tree links, depth and display order. Built once per trace; collapse
// state, zoom and search are applied on top without rebuilding it.
import type { InstrumentationScope, KeyValue, Resource, Span, TracesData } from '@tracegres/otlp';
import { criticalPath, type CriticalSegment } from './critical-path.ts';
import { buildTree } from './trace-tree.ts';

export interface SpanNode {
  /** Position in `TraceModel.spans`. */
  index: number;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  kind: number;
  /** Microseconds since the trace's start. */
  start: number;
  duration: number;
  end: number;
  isError: boolean;
  /** Index of the parent span, -1 for roots. */
  parent: number;
  children: number[];
  depth: number;
  /** Has a parent id that is not in the trace (an extra root, as Jaeger counts orphans). */
  orphan: boolean;
  /** Microseconds this span sticks out of its parent (start before it or end after it); 0 if not. */
  skew: number;
  span: Span;
  resource: Resource;
  scope: InstrumentationScope;
}

export interface ServiceSummary {
  name: string;
  spans: number;
  errors: number;
}

export interface TraceModel {
  traceId: string;
  spans: SpanNode[];
  /** Span indices in display order (depth-first, children by start time). */
  order: Int32Array;
  /** For each span index: its position in `order`. */
  position: Int32Array;
  /** For each span index: the position in `order` just past its last descendant. */
  subtreeEnd: Int32Array;
  roots: number[];
  /** Unix nanoseconds of the earliest span start. */
  startNs: bigint;
  /** Microseconds from the earliest start to the latest end. */
  duration: number;
  maxDepth: number;
  errorCount: number;
  orphanCount: number;
  services: ServiceSummary[];
  /** Pieces of the critical path, by span index. */
  critical: Map<number, CriticalSegment[]>;
  /** Root service and operation (the earliest root), for titles. */
  rootService: string;
  rootName: string;
}

export const UNKNOWN_SERVICE = 'unknown_service';

/** The value of a string attribute, or undefined. */
export function stringAttr(attrs: KeyValue[], key: string): string | undefined {
  for (const kv of attrs) if (kv.key === key && kv.value.type === 'string') return kv.value.value;
  return undefined;
}

/** Flattens decoded OTLP spans into the trace page's model. */
export function buildTraceModel(td: TracesData): TraceModel {
  let minStart: bigint | undefined;
  for (const rs of td.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (const sp of ss.spans) if (minStart === undefined || sp.startTimeUnixNano < minStart) minStart = sp.startTimeUnixNano;
    }
  }
  const base = minStart ?? 0n;
  const spans: SpanNode[] = [];
  for (const rs of td.resourceSpans) {
    const service = stringAttr(rs.resource.attributes, 'service.name') ?? UNKNOWN_SERVICE;
    for (const ss of rs.scopeSpans) {
      for (const sp of ss.spans) {
        const start = Number(sp.startTimeUnixNano - base) / 1000;
        // A span that ends before it starts is drawn with no length rather than a negative one.
        const duration = Math.max(0, Number(sp.endTimeUnixNano - sp.startTimeUnixNano) / 1000);
        spans.push({
          index: spans.length,
          spanId: sp.spanId,
          parentSpanId: sp.parentSpanId,
          name: sp.name,
          service,
          kind: sp.kind,
          start,
          duration,
          end: start + duration,
          isError: sp.status.code === 2,
          parent: -1,
          children: [],
          depth: 0,
          orphan: false,
          skew: 0,
          span: sp,
          resource: rs.resource,
          scope: ss.scope,
        });
      }
    }
  }
  const tree = buildTree(spans);
  let end = 0;
  let errorCount = 0;
  let orphanCount = 0;
  const services = new Map<string, ServiceSummary>();
  for (const s of spans) {
    if (s.end > end) end = s.end;
    if (s.isError) errorCount++;
    if (s.orphan) orphanCount++;
    let sv = services.get(s.service);
    if (!sv) services.set(s.service, (sv = { name: s.service, spans: 0, errors: 0 }));
    sv.spans++;
    if (s.isError) sv.errors++;
  }
  const firstRoot = tree.roots.length ? spans[tree.roots[0]] : undefined;
  return {
    traceId: spans[0]?.span.traceId ?? '',
    spans,
    order: tree.order,
    position: tree.position,
    subtreeEnd: tree.subtreeEnd,
    roots: tree.roots,
    startNs: base,
    duration: end,
    maxDepth: tree.maxDepth,
    errorCount,
    orphanCount,
    services: [...services.values()].sort((a, b) => a.name.localeCompare(b.name)),
    critical: criticalPath(spans, tree.roots),
    rootService: firstRoot?.service ?? '',
    rootName: firstRoot?.name ?? '',
  };
}
