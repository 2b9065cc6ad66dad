/** Summary statistics of generated (or any) OTLP trace data; what the tests and the CLI check. */
import type { TracesData } from '@tracegres/otlp';

export interface SpanCountDistribution {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Traces per size bucket: '1-2', '3-10', '11-30', '31-100', '101-300', '301-1000', '1001-10000', '>10000'. */
  buckets: Record<string, number>;
}

export interface TraceDataSummary {
  traces: number;
  spans: number;
  /** service.name values, sorted. */
  services: string[];
  /** Spans per kind name (INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER, UNSPECIFIED). */
  kinds: Record<string, number>;
  /** Traces with at least one span whose status is ERROR. */
  errorTraces: number;
  errorShare: number;
  spanCountDistribution: SpanCountDistribution;
  /** Span attributes per span (resource and scope attributes not counted). */
  avgAttributes: number;
  avgEvents: number;
  /** Resource attributes per resource. */
  avgResourceAttributes: number;
  links: number;
  /** Traces with more than 300 spans. */
  largeTraces: number;
}

const kindNames = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const bucketEdges: readonly [string, number][] = [
  ['1-2', 2], ['3-10', 10], ['11-30', 30], ['31-100', 100], ['101-300', 300],
  ['301-1000', 1000], ['1001-10000', 10_000], ['>10000', Infinity],
];

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Summarises one or several `TracesData`; spans are grouped into traces by trace id. */
export function describe(data: TracesData | readonly TracesData[]): TraceDataSummary {
  const list: readonly TracesData[] = Array.isArray(data) ? data : [data as TracesData];
  const perTrace = new Map<string, { spans: number; error: boolean }>();
  const services = new Set<string>();
  const kinds: Record<string, number> = { INTERNAL: 0, SERVER: 0, CLIENT: 0, PRODUCER: 0, CONSUMER: 0, UNSPECIFIED: 0 };
  let spans = 0;
  let attrs = 0;
  let events = 0;
  let links = 0;
  let resources = 0;
  let resourceAttrs = 0;
  for (const td of list) {
    for (const rs of td.resourceSpans) {
      resources++;
      resourceAttrs += rs.resource.attributes.length;
      for (const kv of rs.resource.attributes) {
        if (kv.key === 'service.name' && kv.value.type === 'string') services.add(kv.value.value);
      }
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          spans++;
          attrs += s.attributes.length;
          events += s.events.length;
          links += s.links.length;
          kinds[kindNames[s.kind] ?? 'UNSPECIFIED']++;
          let t = perTrace.get(s.traceId);
          if (!t) perTrace.set(s.traceId, (t = { spans: 0, error: false }));
          t.spans++;
          if (s.status.code === 2) t.error = true;
        }
      }
    }
  }
  const sizes: number[] = [];
  let errorTraces = 0;
  for (const t of perTrace.values()) {
    sizes.push(t.spans);
    if (t.error) errorTraces++;
  }
  sizes.sort((a, b) => a - b);
  const buckets: Record<string, number> = {};
  for (const [name] of bucketEdges) buckets[name] = 0;
  let large = 0;
  for (const n of sizes) {
    if (n > 300) large++;
    for (const [name, edge] of bucketEdges) {
      if (n <= edge) {
        buckets[name]++;
        break;
      }
    }
  }
  const traces = sizes.length;
  return {
    traces,
    spans,
    services: [...services].sort(),
    kinds,
    errorTraces,
    errorShare: traces ? errorTraces / traces : 0,
    spanCountDistribution: {
      min: sizes[0] ?? 0,
      p50: quantile(sizes, 0.5),
      p90: quantile(sizes, 0.9),
      p99: quantile(sizes, 0.99),
      max: sizes[sizes.length - 1] ?? 0,
      mean: traces ? spans / traces : 0,
      buckets,
    },
    avgAttributes: spans ? attrs / spans : 0,
    avgEvents: spans ? events / spans : 0,
    avgResourceAttributes: resources ? resourceAttrs / resources : 0,
    links,
    largeTraces: large,
  };
}
